/**
 * Every server flag, once: its help line, how its text is checked (zod), the environment variable that stands in
 * for it, and the ScopeOptions it sets. The parser, `--help` and the defaults shown all come from this table.
 */
import { z } from 'zod';
import { scopeDefaults } from './scope-options';
import { deviceRequestSchema } from './runtime/providers';
import { normalizeHost } from './server/guard';
import { tokenProblem } from './server/token';
import { parseFeedbackTarget } from '../control/osc/feedback';
import { parseAllowlist } from '../control/osc/allowlist';
import { whipPushOptionsSchema } from '../outputs/whip-push/whip-push-output';
import { showNameSchema } from '../control/nats/nats-show';
import { parseBytes } from './engine/memory-budget';
import { numberTextSchema } from './shared/numbers';
import { DMX_FLAGS } from './dmx-flags';
import { TIMECODE_FLAGS } from './timecode-flags';
import { OUTPUT_DELAY_FLAGS } from './output-delay-flags';
import { scopeEnv } from './flag-env';
import type { ScopeEnvName } from './flag-env';
import type { ScopeOptions } from './scope-options';

export interface FlagDef<T = unknown> {
  /** Without the dashes: `osc-port`. */
  name: string;
  /** The value's placeholder (`<n>`); a flag without one is a switch. */
  arg?: string;
  multiple?: boolean;
  /** An environment variable used when the flag is not given (one of SCOPE_ENV, src/flag-env.ts). */
  env?: ScopeEnvName;
  help: string;
  /** The default as `--help` shows it. */
  shows?: string;
  schema: z.ZodType<T>;
  apply(value: T): Partial<ScopeOptions>;
}

const flag = <T>(def: FlagDef<T>): FlagDef => def as FlagDef;

/** A number written plainly (docs/pipelines.md): no hex, no spaces, nothing after it. */
const numeric = numberTextSchema;
const port = numeric.pipe(z.number().int().min(0).max(65535));
const portOrOff = z.union([z.literal('off'), port]);
const list = <T>(item: z.ZodType<T>) => z.array(item);
const checked = (test: (v: string) => boolean, message: string) => z.string().refine(test, message);
const doesNotThrow = (fn: (v: string) => unknown) => (v: string) => {
  try {
    fn(v);
    return true;
  } catch {
    return false;
  }
};
/** A MIDI port given on the command line: all digits is an index, anything else a name. */
const portRef = (v: string): string | number => (/^\d+$/.test(v) ? Number(v) : v);
const d = scopeDefaults;

export const FLAGS: FlagDef[] = [
  flag({
    name: 'port',
    arg: '<n>',
    help: 'HTTP port; 0 picks a free one',
    shows: String(d.port),
    schema: port,
    apply: (v) => ({ port: v }),
  }),
  flag({
    name: 'host',
    arg: '<addr>',
    help: 'address to bind; anything but loopback (0.0.0.0) is LAN mode, with a token',
    shows: d.host,
    schema: z.string().min(1),
    apply: (v) => ({ host: v }),
  }),
  flag({
    name: 'pipeline',
    arg: '<id>',
    env: 'PIPELINE',
    help: 'pipeline to load at start; "none" for none',
    shows: String(d.pipeline),
    schema: z.string().min(1),
    apply: (v) => ({ pipeline: v === 'none' ? null : v }),
  }),
  flag({
    name: 'plugin',
    arg: '<path>',
    multiple: true,
    help: 'load pipelines from a plugin, a module or a folder (installed plugin packages load by themselves)',
    schema: list(z.string().min(1)),
    apply: (v) => ({ plugins: v }),
  }),
  flag({
    name: 'fps',
    arg: '<n>',
    help: 'target frame rate (1-240)',
    shows: String(d.fps),
    schema: numeric.pipe(z.number().min(1).max(240)),
    apply: (v) => ({ fps: v }),
  }),
  flag({
    name: 'width',
    arg: '<px>',
    help: 'output width (64-2048)',
    shows: String(d.width),
    schema: numeric.pipe(z.number().int().min(64).max(2048)),
    apply: (v) => ({ width: v }),
  }),
  flag({
    name: 'height',
    arg: '<px>',
    help: 'output height (64-2048)',
    shows: String(d.height),
    schema: numeric.pipe(z.number().int().min(64).max(2048)),
    apply: (v) => ({ height: v }),
  }),
  flag({
    name: 'clock',
    arg: '<kind>',
    help: 'realtime, or fixed-step (every frame back to back, virtual time)',
    shows: String(d.clock),
    schema: z.enum(['realtime', 'fixed-step']),
    apply: (v) => ({ clock: v }),
  }),
  flag({
    name: 'device',
    arg: '<name>',
    env: 'DAYDREAM_SCOPE_DEVICE',
    help: `execution provider: ${deviceRequestSchema.options.join(', ')}`,
    shows: d.device,
    schema: deviceRequestSchema,
    apply: (v) => ({ device: v }),
  }),
  flag({
    name: 'isolation',
    arg: '<where>',
    help: "where each pipeline's onnxruntime runs: process (a crash, hang or out-of-memory there cannot take the server down) or worker (a thread of the server)",
    shows: d.isolation,
    schema: z.enum(['process', 'worker']),
    apply: (v) => ({ isolation: v }),
  }),
  flag({
    name: 'warm',
    arg: '<n>',
    help: 'pipelines kept loaded after a switch away, for an instant switch back (0-8)',
    shows: String(d.warm),
    schema: numeric.pipe(z.number().int().min(0).max(8)),
    apply: (v) => ({ warm: v }),
  }),
  flag({
    name: 'interpolator',
    arg: '<auto|path>',
    help: 'frames between renders (interpolate 2-4): auto = <models>/interpolation/rife.onnx if there, else a crossfade; or tiny, stand-in, a path',
    shows: 'auto',
    schema: z.string().min(1),
    apply: (v) => ({ interpolationModel: v }),
  }),
  flag({
    name: 'memory-budget',
    arg: '<size|off>',
    env: 'DAYDREAM_SCOPE_MEMORY_BUDGET',
    help: 'memory the server and its pipelines may hold (4GB, 512MB): past it warm pipelines are unloaded, and a load that cannot fit is refused',
    shows: '75% of system memory',
    schema: z.union([
      z.literal('off'),
      checked((v) => (parseBytes(v) ?? 0) > 0, 'expected a size such as 4GB or 512MB, or off'),
    ]),
    apply: (v) => ({ memoryBudget: v === 'off' ? null : parseBytes(v)! }),
  }),
  flag({
    name: 'osc-port',
    arg: '<n|off>',
    help: 'OSC UDP port; "off" for no OSC',
    shows: "the HTTP port's number",
    schema: portOrOff,
    apply: (v) => ({ oscPort: v === 'off' ? null : v }),
  }),
  flag({
    name: 'oscquery-port',
    arg: '<n|off>',
    help: 'OSCQuery HTTP/WebSocket port; "off" for none',
    shows: 'the HTTP port + 1',
    schema: portOrOff,
    apply: (v) => ({ oscQueryPort: v === 'off' ? null : v }),
  }),
  flag({
    name: 'osc-feedback',
    arg: '<host:port>',
    multiple: true,
    help: 'send parameter changes, /scope/fps and /scope/frame there',
    schema: list(checked((t) => typeof parseFeedbackTarget(t) !== 'string', 'expected host:port, e.g. 127.0.0.1:9000')),
    apply: (v) => ({ oscFeedback: v }),
  }),
  flag({
    name: 'osc-max-ahead',
    arg: '<ms>',
    help: 'drop bundles timetagged further ahead than this; 0 applies every bundle on arrival',
    shows: String(d.oscMaxAheadMs),
    schema: numeric.pipe(z.number().int().min(0).max(60_000)),
    apply: (v) => ({ oscMaxAheadMs: v }),
  }),
  flag({
    name: 'osc-allow',
    arg: '<addr|cidr>',
    multiple: true,
    help: 'in LAN mode, an OSC sender to hear (this machine always)',
    schema: list(
      checked(
        doesNotThrow((v) => parseAllowlist([v])),
        'expected an address or CIDR range, e.g. 10.0.0.0/24',
      ),
    ),
    apply: (v) => ({ oscAllow: v }),
  }),
  flag({
    name: 'mdns',
    help: 'advertise OSCQuery and OSC over mDNS (default: only in LAN mode)',
    schema: z.boolean(),
    apply: () => ({ mdns: true }),
  }),
  flag({ name: 'no-mdns', help: 'never advertise over mDNS', schema: z.boolean(), apply: () => ({ mdns: false }) }),
  flag({
    name: 'token',
    arg: '<token>',
    help: 'the LAN-mode token',
    shows: 'made once, kept in <config dir>/token',
    schema: checked((t) => tokenProblem(t) === undefined, tokenProblem('') ?? ''),
    apply: (v) => ({ token: v }),
  }),
  flag({
    name: 'allowed-host',
    arg: '<name>',
    multiple: true,
    help: 'a further name the Host header may carry (a DNS name of this machine)',
    schema: list(
      checked(
        (h) => normalizeHost(h.includes(':') && !h.startsWith('[') ? `[${h}]` : h) !== undefined,
        'expected a host name or address',
      ),
    ),
    apply: (v) => ({ allowedHosts: v }),
  }),
  flag({
    name: 'cors-origin',
    arg: '<origin>',
    multiple: true,
    help: 'a player site (https://player.example) that may use the API and WHEP',
    schema: list(
      checked(
        doesNotThrow((v) => {
          if (new URL(v).origin !== v) throw new Error('not an origin');
        }),
        'expected an origin such as https://player.example (scheme, host and port only)',
      ),
    ),
    apply: (v) => ({ corsOrigins: v }),
  }),
  flag({
    name: 'no-midi',
    help: 'no MIDI control (env DAYDREAM_SCOPE_MIDI=off)',
    schema: z.boolean(),
    apply: () => ({ midi: false }),
  }),
  flag({
    name: 'midi-in',
    arg: '<port>',
    multiple: true,
    help: 'open only this MIDI input: a name (or part of one) or an index',
    shows: 'all',
    schema: list(z.string().min(1)),
    apply: (v) => ({ midiInputs: v.map(portRef) }),
  }),
  flag({
    name: 'midi-out',
    arg: '<port>',
    multiple: true,
    help: 'send LED/motor-fader feedback to this MIDI output',
    shows: 'outputs named like the inputs',
    schema: list(z.string().min(1)),
    apply: (v) => ({ midiOutputs: v.map(portRef) }),
  }),
  flag({
    name: 'midi-mappings',
    arg: '<file>',
    help: 'where MIDI mappings are kept',
    shows: '<config dir>/midi-mappings.json',
    schema: z.string().min(1),
    apply: (v) => ({ midiMappingsFile: v }),
  }),
  flag({
    name: 'ndi',
    help: 'send NDI from the start (the panel can switch it on later too)',
    schema: z.boolean(),
    apply: () => ({ ndi: true }),
  }),
  flag({
    name: 'ndi-name',
    arg: '<name>',
    help: 'NDI source name, also the Syphon/Spout name',
    shows: d.ndiName,
    schema: z.string().min(1).max(100),
    apply: (v) => ({ ndiName: v }),
  }),
  flag({
    name: 'syphon',
    help: 'send over Syphon (macOS) from the start',
    schema: z.boolean(),
    apply: () => ({ syphon: true }),
  }),
  flag({
    name: 'spout',
    help: 'send over Spout (Windows) from the start',
    schema: z.boolean(),
    apply: () => ({ spout: true }),
  }),
  flag({
    name: 'ice-server',
    arg: '<url>',
    multiple: true,
    help: 'STUN/TURN server offered to WebRTC viewers (none needed on a LAN)',
    schema: list(z.string().regex(/^(stun|stuns|turn|turns):/, 'expected a stun: or turn: URL')),
    apply: (v) => ({ iceServers: v }),
  }),
  flag({
    name: 'headless',
    help: 'a render node: no panel build, no MIDI, no mDNS; /health/ready for orchestrators',
    schema: z.boolean(),
    apply: () => ({ headless: true }),
  }),
  flag({
    name: 'log-format',
    arg: '<text|json>',
    help: 'log lines as text, or as JSON objects one a line (time, level, msg)',
    shows: d.logFormat,
    schema: z.enum(['text', 'json']),
    apply: (v) => ({ logFormat: v }),
  }),
  flag({
    name: 'bpm',
    arg: '<n>',
    help: 'tempo at start (MIDI clock, Link, tap tempo and OSC move it)',
    shows: String(d.bpm),
    schema: numeric.pipe(z.number().min(20).max(999)),
    apply: (v) => ({ bpm: v }),
  }),
  flag({
    name: 'link',
    help: 'join the Ableton Link session (needs the optional abletonlink package)',
    schema: z.boolean(),
    apply: () => ({ link: true }),
  }),
  flag({
    name: 'midi-clock-out',
    arg: '<port>',
    multiple: true,
    help: 'send MIDI clock to this MIDI output',
    shows: 'none',
    schema: list(z.string().min(1)),
    apply: (v) => ({ midiClockOut: v.map(portRef) }),
  }),
  flag({
    name: 'audio-in',
    arg: '<device>',
    help: 'analyse this audio input for audio modulators: default, hw:1, :0',
    shows: 'off',
    schema: z.string().min(1),
    apply: (v) => ({ audioIn: v }),
  }),
  flag({
    name: 'audio-format',
    arg: '<fmt>',
    help: "ffmpeg input format of --audio-in: pulse, alsa, avfoundation, dshow (default: the platform's)",
    schema: z.string().min(1),
    apply: (v) => ({ audioFormat: v }),
  }),
  flag({
    name: 'mjpeg-quality',
    arg: '<1-100>',
    help: 'JPEG quality of MJPEG and /api/v1/frame',
    shows: String(d.mjpegQuality),
    schema: numeric.pipe(z.number().int().min(1).max(100)),
    apply: (v) => ({ mjpegQuality: v }),
  }),
  flag({
    name: 'whip-push',
    arg: '<url>',
    help: 'push the output to this WHIP endpoint (an SFU: janus, LiveKit, Cloudflare Stream)',
    schema: whipPushOptionsSchema.shape.url.refine((u) => u !== '', 'expected the URL of a WHIP endpoint'),
    apply: (v) => ({ whipPush: v }),
  }),
  flag({
    name: 'whip-token',
    arg: '<token>',
    env: 'DAYDREAM_SCOPE_WHIP_TOKEN',
    help: 'bearer token of the WHIP endpoint (the variable keeps it out of the process list)',
    schema: z.string().min(1).max(4096),
    apply: (v) => ({ whipToken: v }),
  }),
  flag({
    name: 'nats',
    arg: '<url>',
    env: 'DAYDREAM_SCOPE_NATS',
    help: 'join a show on this NATS server (nats://[user:pass@|token@]host:4222, tls://…): every node applies every change on the same frame',
    schema: z.string().regex(/^(nats|tls|wss?):\/\/[^\s]+$/, 'expected a nats:// URL (several separated by commas)'),
    apply: (v) => ({ nats: v }),
  }),
  flag({
    name: 'nats-creds',
    arg: '<file>',
    env: 'DAYDREAM_SCOPE_NATS_CREDS',
    help: 'a NATS credentials file (user JWT and seed) or NKey user seed file, to join a protected show server',
    schema: z.string().min(1).max(4096),
    apply: (v) => ({ natsCreds: v }),
  }),
  flag({
    name: 'nats-ca',
    arg: '<file>',
    help: "the CA (PEM) that signed the NATS server's TLS certificate; turns TLS on",
    schema: z.string().min(1).max(4096),
    apply: (v) => ({ natsCa: v }),
  }),
  flag({
    name: 'show',
    arg: '<name>',
    help: 'the show to join with --nats',
    shows: d.show,
    schema: showNameSchema,
    apply: (v) => ({ show: v }),
  }),
  ...DMX_FLAGS,
  ...TIMECODE_FLAGS,
  ...OUTPUT_DELAY_FLAGS,
];

/** The parseArgs option table of the flags. */
export function parseArgsOptions(): Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> {
  return Object.fromEntries(
    FLAGS.map((f) => [
      f.name,
      f.multiple ? { type: 'string', multiple: true } : { type: f.arg ? 'string' : 'boolean' },
    ]),
  );
}

/**
 * The options that parsed values (and, for flags not given, their environment variables) set; or one line per
 * flag that was refused, saying why.
 */
export function optionsFromFlags(
  values: Record<string, string | string[] | boolean | undefined>,
  env: NodeJS.ProcessEnv = process.env,
): { ok: true; options: Partial<ScopeOptions> } | { ok: false; message: string } {
  const options: Partial<ScopeOptions> = {};
  const problems: string[] = [];
  for (const f of FLAGS) {
    const raw = values[f.name] ?? (f.env ? scopeEnv(f.env, env) : undefined);
    if (raw === undefined || raw === false) continue;
    const parsed = f.schema.safeParse(raw);
    if (parsed.success) Object.assign(options, f.apply(parsed.data));
    else problems.push(`--${f.name}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  return problems.length > 0 ? { ok: false, message: problems.join('\n') } : { ok: true, options };
}

/** The Options part of `--help`. */
export function flagsHelp(width = 22): string {
  return FLAGS.map((f) => {
    const head = `  --${f.name}${f.arg ? ` ${f.arg}` : ''}`;
    const notes = [
      f.shows !== undefined ? `default ${f.shows}` : undefined,
      f.env ? `env ${f.env}` : undefined,
      f.multiple ? 'repeatable' : undefined,
    ].filter(Boolean);
    const text = notes.length > 0 ? `${f.help} (${notes.join('; ')})` : f.help;
    return head.length < width ? `${head.padEnd(width)}${text}` : `${head}\n${' '.repeat(width)}${text}`;
  }).join('\n');
}
