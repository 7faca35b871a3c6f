/** The outputs as the server runs them: the hub with every sink registered, and a command per output. */
import { OutputHub } from './hub';
import { MjpegOutput } from './mjpeg/mjpeg-output';
import { NdiOutput } from './ndi/ndi-output';
import { SpoutOutput } from './spout/spout-output';
import { SyphonOutput } from './syphon/syphon-output';
import { WhepOutput } from './webrtc/whep-output';
import { WhipPushOutput } from './whip-push/whip-push-output';
import type { CommandRegistry } from '../src/kernel/commands';
import type { EventBus } from '../src/kernel/events';
import type { Output } from './output';
import type { Frame } from '../src/engine/frame';
import { conditioningOutputs } from './conditioning-outputs';

export interface OutputSetupOptions {
  log: (message: string) => void;
  events: EventBus;
  commands: CommandRegistry;
  /** The engine's target frame rate (NDI announces it). */
  fps: () => number;
  /** NDI announces itself to the whole local network, so it starts only when asked for. */
  ndi: boolean;
  /** NDI source name, also the Syphon/Spout server name. */
  name: string;
  syphon: boolean;
  spout: boolean;
  iceServers: string[];
  mjpegQuality: number;
  /** A WHIP endpoint to push to from the start (`--whip-push`), and its bearer token. */
  whipPush: { url: string; token: string | undefined } | undefined;
  /** Outputs injected by the caller (tests, stand-ins): each replaces the built-in one of its id, or is added. */
  outputs: Output[];
  /** Outputs the root builds elsewhere (DMX), registered beside the built-in ones, on only when `enabled`. */
  more?: { output: Output; enabled: boolean }[];
  /** The conditioning picture: given, it gets a WHEP and an NDI output of its own (conditioning-outputs.ts). */
  conditioning?: { onFrame(listener: (frame: Frame) => void): () => void };
}

/**
 * WebRTC (WHEP) and MJPEG on from the start; WHIP push on when given an endpoint; NDI, Syphon and Spout registered (listed with their state or why
 * they are unavailable) and on only when asked for. `output/<id>/enabled` switches each from OSC, WebSocket, HTTP.
 */
export function setupOutputs(o: OutputSetupOptions): {
  hub: OutputHub;
  webrtc: WhepOutput;
  mjpeg: MjpegOutput;
  conditioningWebrtc: WhepOutput | undefined;
} {
  const hub = new OutputHub({ log: o.log, events: o.events, fps: o.fps });
  const injected = new Map(o.outputs.map((out) => [out.id, out]));
  const take = (id: string) => {
    const given = injected.get(id);
    injected.delete(id);
    return given;
  };
  const pushing = o.whipPush !== undefined || injected.has('whip-push');
  const webrtc = take('webrtc') ?? new WhepOutput('webrtc', { iceServers: o.iceServers });
  const mjpeg = take('mjpeg') ?? new MjpegOutput('mjpeg', { quality: o.mjpegQuality }, o.log);
  // The server mounts their routes: an injected stand-in must be the real kind.
  if (!(webrtc instanceof WhepOutput) || !(mjpeg instanceof MjpegOutput)) {
    throw new Error('an injected "webrtc" output must be a WhepOutput and "mjpeg" an MjpegOutput');
  }
  hub
    .add(webrtc, true)
    .add(mjpeg, true)
    .add(take('ndi') ?? new NdiOutput('ndi', { name: o.name }), o.ndi)
    .add(take('syphon') ?? new SyphonOutput('syphon', { name: o.name }), o.syphon)
    .add(take('spout') ?? new SpoutOutput('spout', { name: o.name }), o.spout)
    // An injected push output (tests, the bench) is on from the start like any injected output.
    .add(take('whip-push') ?? new WhipPushOutput('whip-push', { ...o.whipPush }), pushing);
  const conditioning = o.conditioning && conditioningOutputs({ name: o.name, iceServers: o.iceServers, take });
  if (conditioning) {
    for (const { output, enabled } of conditioning.outputs) hub.add(output, enabled, 'conditioning');
    hub.follow('conditioning', o.conditioning!);
  }
  for (const { output, enabled } of o.more ?? []) if (!injected.has(output.id)) hub.add(output, enabled);
  // The rest are new outputs of the caller's, on from the start.
  for (const out of injected.values()) hub.add(out, true);
  for (const { id } of hub.list()) {
    o.commands.add({
      name: `output/${id}/enabled`,
      description: `switches the ${id} output on (true) or off (false)`,
      arg: 'bool',
      run: (enabled) => {
        const info = hub.info(id);
        if (enabled === true && !info.available) return { ok: false, reason: info.reason ?? 'unavailable' };
        hub.setEnabled(id, enabled === true).catch((err: Error) => o.log(`output ${id}: ${err.message}`));
        return { ok: true };
      },
    });
  }
  return { hub, webrtc, mjpeg, conditioningWebrtc: conditioning?.webrtc };
}
