/** What `daydream-scope` prints once it serves: where everything listens, and what is off and why. */
import { networkInterfaces } from 'node:os';
import type { Scope } from './main';

/** Outputs that have a flag of their own to start with. */
const FLAGGED = new Set(['ndi', 'syphon', 'spout']);

const bracket = (host: string) => (host.includes(':') ? `[${host}]` : host);

/** The first non-internal IPv4 address, for the URLs printed in LAN mode. */
function lanAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

/** The start banner's lines. */
export function bannerLines(
  scope: Scope,
  o: { pipeline: string | null; width: number; height: number; fps: number; host: string; oscAllow: string[] },
): string[] {
  const lines: string[] = [];
  const say = (line: string) => lines.push(line);
  say(
    `daydream-scope ${scope.services.version} serving on ${scope.url}  (pipeline: ${o.pipeline ?? 'none'}, ${o.width}x${o.height} @ ${o.fps} fps)`,
  );
  say(`  MJPEG  ${scope.url}/api/v1/stream.mjpeg\n  API    ${scope.url}/api/v1/pipelines`);
  const device = scope.runtime.providerStatus();
  if (device) say(`  Device ${device.provider}  (${device.reason})`);
  const osc = scope.osc?.status();
  if (!osc) say('  OSC    off');
  else if (!osc.enabled) say(`  OSC    off: ${osc.disabledReason}`);
  else say(`  OSC    udp://${bracket(osc.host)}:${osc.port}  (/scope/<param>)`);
  for (const t of osc?.feedbackTargets ?? []) say(`         feedback to ${t}`);
  const q = scope.oscQuery?.status();
  if (!q) say('  OSCQuery off');
  else if (!q.enabled) say(`  OSCQuery off: ${q.disabledReason}`);
  else say(`  OSCQuery http://${bracket(q.host)}:${q.port}${q.mdns ? '  (advertised over mDNS)' : ''}`);
  say(`  Output ${scope.url}/output  (WebRTC player for OBS Browser Source; WHEP at ${scope.url}/whep)`);
  for (const out of scope.outputs.list()) {
    if (out.kind === 'webrtc' || out.kind === 'mjpeg') continue;
    const state = !out.available
      ? `unavailable: ${out.reason ?? ''}`
      : out.enabled
        ? 'on'
        : `off (switch on in the panel${FLAGGED.has(out.kind) ? ` or with --${out.kind}` : out.kind === 'dmx' ? ' or with --dmx-out' : ''})`;
    say(`  ${out.name.padEnd(6)} ${state}`);
  }
  const midi = scope.midi?.status();
  if (!midi) say('  MIDI   off');
  else if (!midi.available) say(`  MIDI   off: ${midi.reason ?? 'unavailable'}`);
  else {
    const names = (ports: { name: string; open: boolean }[]) =>
      ports
        .filter((p) => p.open)
        .map((p) => p.name)
        .join(', ') || 'none';
    say(`  MIDI   in: ${names(midi.inputs)}   out: ${names(midi.outputs)}   ${midi.mappings.length} mappings`);
  }
  const dmx = scope.dmx.service.status();
  const listening = (['artnet', 'sacn'] as const).filter((k) => dmx[k].enabled || !dmx[k].reason?.startsWith('off;'));
  if (listening.length === 0) say('  DMX in off (--artnet, --sacn)');
  for (const k of listening) {
    const l = dmx[k];
    const name = k === 'artnet' ? 'Art-Net' : 'sACN';
    say(
      l.enabled
        ? `  ${name} udp://${bracket(l.host)}:${l.port}  (DMX in, ${dmx.mappings.length} mappings)`
        : `  ${name} off: ${l.reason}`,
    );
  }
  say('  Ctrl-C stops');
  if (scope.lan) {
    const base = `http://${lanAddress() ?? o.host}:${scope.port}`;
    const token = scope.token ?? '';
    say(`  LAN mode: listening on ${o.host}; other machines need the token (this one does not).`);
    say(`    Panel for a tablet or OBS:  ${base}/?token=${token}`);
    say(`    Player page for OBS:        ${base}/output?token=${token}`);
    say(`    HTTP/WHEP clients send:     Authorization: Bearer ${token}`);
    say(
      `    OSC from other machines:    ${o.oscAllow.length > 0 ? o.oscAllow.join(', ') : 'none (add --osc-allow <address>)'}`,
    );
  }
  return lines;
}
