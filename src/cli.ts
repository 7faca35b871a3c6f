import { networkInterfaces } from 'node:os';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { runUntilSignal, scopeDefaults, startScope } from './main';
import { PipelineRegistry, commonParams } from './engine/registry';
import { paramJsonSchema } from './params/json-schema';
import type { ParamSpec } from './params/spec';
import { parseFeedbackTarget } from '../control/osc/feedback';
import { modelManifests } from '../pipelines/index';
import { runDownloadCommand } from './models';
import { deviceRequestSchema } from './runtime/providers';
import { normalizeHost } from './server/guard';
import { tokenProblem } from './server/token';
import { parseAllowlist } from '../control/osc/allowlist';

const HELP = `daydream-scope — live generative video server

Usage:
  daydream-scope [serve] [options]     start the server (default command)
  daydream-scope pipelines [--json]    list pipelines and their parameters
  daydream-scope download <model>...   download a model's files (--list shows them, --dir <folder> elsewhere)
  daydream-scope --help | --version

Options:
  --port <n>        HTTP port (default 8000; 0 picks a free one)
  --host <addr>     address to bind (default 127.0.0.1; 0.0.0.0 listens on the LAN: LAN mode, with a token)
  --pipeline <id>   pipeline to load at start (default neural-field; env PIPELINE; "none" for none)
  --fps <n>         target frame rate (default 30)
  --width <px>      output width (default 512)
  --height <px>     output height (default 512)
  --clock <kind>    realtime (default) or fixed-step (render every frame as fast as possible)
  --device <name>   execution provider: auto (default), cpu, cuda, tensorrt, dml, coreml (env DAYDREAM_SCOPE_DEVICE)
  --osc-port <n>    OSC UDP port (default: the HTTP port's number; "off" for no OSC)
  --oscquery-port <n>  OSCQuery HTTP/WebSocket port (default: the HTTP port + 1; "off" for none)
  --mdns, --no-mdns advertise OSCQuery and OSC over mDNS (default: only in LAN mode)
  --token <token>   the LAN-mode token (default: made once, kept in <config dir>/token)
  --allowed-host <name>
                    a further name the Host header may carry, e.g. a DNS name of this machine (repeatable)
  --cors-origin <origin>
                    a player site (https://player.example) that may use the API and WHEP (repeatable)
  --osc-allow <addr|cidr>
                    in LAN mode, an OSC sender to hear (repeatable; this machine always)
  --osc-feedback <host:port>
                    send parameter changes, /scope/fps and /scope/frame there (repeatable)
  --no-midi         no MIDI control
  --midi-in <port>  open only this MIDI input: a name (or part of one) or an index; repeatable (default: all)
  --midi-out <port> send LED/motor-fader feedback to this MIDI output; repeatable (default: outputs named like inputs)
  --midi-mappings <file>
                    where MIDI mappings are kept (default: <config dir>/midi-mappings.json)
  --ndi             send NDI from the start (the panel can switch it on later too)
  --ndi-name <name> NDI source name, also the Syphon/Spout name (default daydream-scope)
  --syphon, --spout send over Syphon (macOS) / Spout (Windows) from the start
  --ice-server <url>
                    STUN/TURN server offered to WebRTC viewers (repeatable; none needed on a LAN)
  --mjpeg-quality <1-100>
                    JPEG quality of MJPEG and /api/v1/frame (default 80)
  --osc-max-ahead <ms>
                    hold bundles timetagged in the future at most this long (default 10000; 0 = apply at once)
`;

const flagsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535),
  host: z.string().min(1),
  pipeline: z.string().min(1),
  fps: z.coerce.number().min(1).max(240),
  width: z.coerce.number().int().min(64).max(2048),
  height: z.coerce.number().int().min(64).max(2048),
  clock: z.enum(['realtime', 'fixed-step']),
  device: deviceRequestSchema,
  oscPort: z.union([z.literal('off'), z.coerce.number().int().min(0).max(65535)]).optional(),
  oscqueryPort: z.union([z.literal('off'), z.coerce.number().int().min(0).max(65535)]).optional(),
  mdns: z.union([z.boolean(), z.literal('auto')]),
  token: z
    .string()
    .refine((t) => tokenProblem(t) === undefined, tokenProblem('') ?? '')
    .optional(),
  allowedHosts: z.array(
    z
      .string()
      .refine(
        (h) => normalizeHost(h.includes(':') && !h.startsWith('[') ? `[${h}]` : h) !== undefined,
        'expected a host name or address',
      ),
  ),
  corsOrigins: z.array(
    z.string().refine((v) => {
      try {
        return new URL(v).origin === v;
      } catch {
        return false;
      }
    }, 'expected an origin such as https://player.example (scheme, host and port only)'),
  ),
  oscAllow: z.array(
    z.string().refine((v) => {
      try {
        parseAllowlist([v]);
        return true;
      } catch {
        return false;
      }
    }, 'expected an address or CIDR range, e.g. 192.168.1.20 or 10.0.0.0/24'),
  ),
  oscMaxAhead: z.coerce.number().int().min(0).max(60_000),
  ndiName: z.string().min(1).max(100),
  iceServers: z.array(z.string().regex(/^(stun|stuns|turn|turns):/, 'expected a stun: or turn: URL')),
  mjpegQuality: z.coerce.number().int().min(1).max(100),
  oscFeedback: z.array(
    z.string().refine((t) => typeof parseFeedbackTarget(t) !== 'string', 'expected host:port, e.g. 127.0.0.1:9000'),
  ),
});

/** Entry point of the `daydream-scope` command. */
export async function main(argv: string[]): Promise<void> {
  // `download` has flags of its own (--dir, --list) that the server's strict parser would refuse.
  if (argv[0] === 'download') {
    process.exitCode = await runDownloadCommand(argv.slice(1), { manifests: modelManifests });
    return;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        pipeline: { type: 'string' },
        fps: { type: 'string' },
        width: { type: 'string' },
        height: { type: 'string' },
        clock: { type: 'string' },
        device: { type: 'string' },
        'osc-port': { type: 'string' },
        'osc-feedback': { type: 'string', multiple: true },
        'oscquery-port': { type: 'string' },
        'osc-max-ahead': { type: 'string' },
        'no-midi': { type: 'boolean' },
        ndi: { type: 'boolean' },
        'ndi-name': { type: 'string' },
        syphon: { type: 'boolean' },
        spout: { type: 'boolean' },
        'ice-server': { type: 'string', multiple: true },
        'mjpeg-quality': { type: 'string' },
        'midi-in': { type: 'string', multiple: true },
        'midi-out': { type: 'string', multiple: true },
        'midi-mappings': { type: 'string' },
        mdns: { type: 'boolean' },
        'no-mdns': { type: 'boolean' },
        token: { type: 'string' },
        'allowed-host': { type: 'string', multiple: true },
        'cors-origin': { type: 'string', multiple: true },
        'osc-allow': { type: 'string', multiple: true },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (err) {
    return fail(`${(err as Error).message}\n\n${HELP}`);
  }
  const { values, positionals } = parsed;
  const command = positionals[0] ?? 'serve';
  if (values.help) return void process.stdout.write(HELP);
  if (values.version)
    return void console.log((await import('../package.json', { with: { type: 'json' } })).default.version);
  if (command === 'pipelines') return listPipelines(values.json ?? false);
  if (command !== 'serve') return fail(`unknown command "${command}"\n\n${HELP}`);

  const flags = flagsSchema.safeParse({
    port: values.port ?? scopeDefaults.port,
    host: values.host ?? scopeDefaults.host,
    pipeline: values.pipeline ?? process.env.PIPELINE ?? scopeDefaults.pipeline,
    fps: values.fps ?? scopeDefaults.fps,
    width: values.width ?? scopeDefaults.width,
    height: values.height ?? scopeDefaults.height,
    clock: values.clock ?? 'realtime',
    device: values.device ?? process.env.DAYDREAM_SCOPE_DEVICE ?? 'auto',
    oscPort: values['osc-port'],
    oscFeedback: values['osc-feedback'] ?? [],
    oscqueryPort: values['oscquery-port'],
    mdns: values['no-mdns'] ? false : (values.mdns ?? 'auto'),
    token: values.token,
    allowedHosts: values['allowed-host'] ?? [],
    corsOrigins: values['cors-origin'] ?? [],
    oscAllow: values['osc-allow'] ?? [],
    oscMaxAhead: values['osc-max-ahead'] ?? scopeDefaults.oscMaxAheadMs,
    ndiName: values['ndi-name'] ?? scopeDefaults.ndiName,
    iceServers: values['ice-server'] ?? [],
    mjpegQuality: values['mjpeg-quality'] ?? scopeDefaults.mjpegQuality,
  });
  if (!flags.success) {
    const flag = (path: PropertyKey[]) => String(path[0]).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    const why = flags.error.issues.map((i) => `--${flag(i.path)}: ${i.message}`).join('\n');
    return fail(`${why}\n\nRun daydream-scope --help for the options.`);
  }
  const { oscPort, oscFeedback, oscqueryPort, mdns, oscMaxAhead, ...f } = flags.data;
  try {
    const scope = await startScope({
      ...f,
      pipeline: f.pipeline === 'none' ? null : f.pipeline,
      ...(oscPort === undefined ? {} : { oscPort: oscPort === 'off' ? null : oscPort }),
      oscFeedback,
      oscMaxAheadMs: oscMaxAhead,
      midi: !values['no-midi'],
      midiInputs: values['midi-in'] ? values['midi-in'].map(portRef) : 'all',
      midiOutputs: values['midi-out'] ? values['midi-out'].map(portRef) : 'matching',
      midiMappingsFile: values['midi-mappings'],
      ndi: values.ndi ?? false,
      syphon: values.syphon ?? false,
      spout: values.spout ?? false,
      ...(oscqueryPort === undefined ? {} : { oscQueryPort: oscqueryPort === 'off' ? null : oscqueryPort }),
      mdns,
    });
    console.log(
      `daydream-scope ${scope.services.version} serving on ${scope.url}  (pipeline: ${f.pipeline}, ${f.width}x${f.height} @ ${f.fps} fps)`,
    );
    console.log(`  MJPEG  ${scope.url}/api/v1/stream.mjpeg\n  API    ${scope.url}/api/v1/pipelines`);
    const device = scope.runtime.providerStatus();
    if (device) console.log(`  Device ${device.provider}  (${device.reason})`);
    const osc = scope.osc?.status();
    if (!osc) console.log('  OSC    off');
    else if (!osc.enabled) console.log(`  OSC    off: ${osc.disabledReason}`);
    else
      console.log(
        `  OSC    udp://${osc.host.includes(':') ? `[${osc.host}]` : osc.host}:${osc.port}  (/scope/<param>)`,
      );
    for (const t of osc?.feedbackTargets ?? []) console.log(`         feedback to ${t}`);
    const q = scope.oscQuery?.status();
    if (!q) console.log('  OSCQuery off');
    else if (!q.enabled) console.log(`  OSCQuery off: ${q.disabledReason}`);
    else
      console.log(
        `  OSCQuery http://${q.host.includes(':') ? `[${q.host}]` : q.host}:${q.port}${q.mdns ? '  (advertised over mDNS)' : ''}`,
      );
    console.log(`  Output ${scope.url}/output  (WebRTC player for OBS Browser Source; WHEP at ${scope.url}/whep)`);
    for (const out of scope.outputs.list()) {
      if (out.kind === 'webrtc' || out.kind === 'mjpeg') continue;
      const state = !out.available
        ? `unavailable: ${out.reason ?? ''}`
        : out.enabled
          ? 'on'
          : 'off (switch on in the panel or with --' + out.kind + ')';
      console.log(`  ${out.name.padEnd(6)} ${state}`);
    }
    const midi = scope.midi?.status();
    if (!midi) console.log('  MIDI   off');
    else if (!midi.available) console.log(`  MIDI   off: ${midi.reason ?? 'unavailable'}`);
    else {
      const names = (ports: { name: string; open: boolean }[]) =>
        ports
          .filter((p) => p.open)
          .map((p) => p.name)
          .join(', ') || 'none';
      console.log(
        `  MIDI   in: ${names(midi.inputs)}   out: ${names(midi.outputs)}   ${midi.mappings.length} mappings`,
      );
    }
    console.log('  Ctrl-C stops');
    if (scope.lan) {
      const address = lanAddress() ?? f.host;
      console.log(`  LAN mode: listening on ${f.host}; other machines need the token (this one does not).`);
      console.log(`    Panel for a tablet or OBS:  http://${address}:${scope.port}/?token=${scope.token ?? ''}`);
      console.log(`    Player page for OBS:        http://${address}:${scope.port}/output?token=${scope.token ?? ''}`);
      console.log(`    HTTP/WHEP clients send:     Authorization: Bearer ${scope.token ?? ''}`);
      console.log(
        `    OSC from other machines:    ${f.oscAllow.length > 0 ? f.oscAllow.join(', ') : 'none (add --osc-allow <address>)'}`,
      );
    }
    await runUntilSignal(scope);
  } catch (err) {
    fail((err as Error).message);
  }
}

/** The first non-internal IPv4 address, for the URLs printed in LAN mode. */
function lanAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

/** A MIDI port given on the command line: all digits is an index, anything else a name. */
const portRef = (v: string): string | number => (/^\d+$/.test(v) ? Number(v) : v);

function listPipelines(json: boolean): void {
  const registry = new PipelineRegistry(scopeDefaults.pipelines);
  const res = { width: scopeDefaults.width, height: scopeDefaults.height };
  const list = registry.list().map((d) => ({ ...d, params: { ...commonParams(res), ...d.params } }));
  if (json) {
    const out = list.map((d) => ({
      id: d.id,
      name: d.name,
      description: d.description,
      params: Object.fromEntries(Object.entries(d.params).map(([k, s]) => [k, paramJsonSchema(s)])),
    }));
    console.log(JSON.stringify(out, null, 2));
    return;
  }
  for (const d of list) {
    console.log(`${d.id} — ${d.name}\n  ${d.description}`);
    for (const [name, spec] of Object.entries(d.params)) console.log(`    ${name.padEnd(14)} ${describeSpec(spec)}`);
    console.log('');
  }
}

function describeSpec(s: ParamSpec): string {
  const load = s.mode === 'load' ? ' (reloads)' : '';
  const unit = 'unit' in s && s.unit ? ` ${s.unit}` : '';
  switch (s.kind) {
    case 'number':
    case 'int':
      return `${s.kind} ${s.min}..${s.max}${unit}, default ${s.default}${load}`;
    case 'enum':
      return `enum ${s.options.join('|')}, default ${s.default}${load}`;
    case 'bool':
      return `bool, default ${s.default}${load}`;
    case 'text':
      return `text, default ${JSON.stringify(s.default)}${load}`;
    case 'trigger':
      return 'trigger';
    case 'color':
      return `colour, default ${s.default}${load}`;
  }
}

function fail(message: string): void {
  console.error(`daydream-scope: ${message}`);
  process.exitCode = 1;
}
