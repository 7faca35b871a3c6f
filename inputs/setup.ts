/** The inputs as the server runs them: the hub, the built-in sources, WHIP, the routes and the commands. */
import { ScopeError, toScopeError } from '../src/kernel/errors';
import { fits } from '../src/media/scale';
import { sourceId } from './source-id';
import { CameraSource, cameraDevice } from './ffmpeg/camera-source';
import { listCameras } from './ffmpeg/devices';
import { FileSource, readableFile } from './ffmpeg/file-source';
import { locateFfmpeg } from '../src/media/ffmpeg-locate';
import { FeedbackSource } from './feedback/feedback-source';
import { InputHub } from './hub';
import { NdiDirectory } from './ndi/ndi-directory';
import { NdiSource } from './ndi/ndi-source';
import { inputRoutes } from './routes';
import { SpoutSource } from './spout/spout-source';
import { SyphonSource } from './syphon/syphon-source';
import { WhipIngest } from './whip/whip-ingest';
import { whipRoutes } from './whip/routes';
import type { Hono } from 'hono';
import type { Image } from '../src/engine/frame';
import type { CommandRegistry } from '../src/kernel/commands';
import type { EventBus } from '../src/kernel/events';
import type { Fit } from '../src/media/scale';
import type { AddInput, InputDevices } from '../src/shared/inputs';
import type { InputHubOptions } from './hub';
import type { WhipIngestOptions } from './whip/whip-ingest';
import type { InputSource } from './source';

export interface InputSetupOptions {
  log: (message: string) => void;
  events: EventBus;
  commands: CommandRegistry;
  /** The engine's published frames, for feedback (the root passes the engine). */
  frames: { onFrame(listener: (frame: Image) => void): () => void };
  /** STUN/TURN servers offered to WHIP publishers. */
  iceServers: string[];
  /** Overrides for tests (time, staleness, loopback-only ICE). */
  hub?: Partial<InputHubOptions>;
  whip?: Partial<WhipIngestOptions>;
}

/** Builds a source from a validated POST body; a path, device or missing program gives a ScopeError sentence. */
export async function createSource(spec: AddInput, taken: (id: string) => boolean): Promise<InputSource> {
  const id = (hint: string) => spec.id ?? sourceId(spec.kind, hint, taken);
  let source: InputSource;
  switch (spec.kind) {
    case 'file': {
      const path = await readableFile(spec.path);
      const options = {
        ...(spec.loop === undefined ? {} : { loop: spec.loop }),
        ...(spec.speed ? { speed: spec.speed } : {}),
      };
      source = new FileSource(id(path.split(/[\\/]/).pop() ?? 'file'), path, options);
      break;
    }
    case 'camera': {
      const device = cameraDevice(spec.device);
      const { width = 0, height = 0, fps = 0 } = spec;
      source = new CameraSource(id(device.split('/').pop() ?? 'camera'), device, { width, height, fps });
      break;
    }
    case 'ndi':
      source = new NdiSource(id(spec.name), { name: spec.name, extraIps: spec.extraIps ?? '' });
      break;
    case 'syphon':
      source = new SyphonSource(id(spec.server ?? ''), { server: spec.server ?? '' });
      break;
    case 'spout':
      source = new SpoutSource(id(spec.sender ?? ''), { sender: spec.sender ?? '' });
      break;
  }
  const availability = source.availability();
  if (!availability.available) throw new ScopeError('unavailable', `cannot add ${spec.kind}: ${availability.reason}`);
  return source;
}

/** What could be added now: cameras, NDI senders, ffmpeg's and the platform sources' state. */
export async function listDevices(query: { ndiExtraIps?: string }, ndi = new NdiDirectory()): Promise<InputDevices> {
  const ffmpeg = locateFfmpeg();
  const found = 'path' in ffmpeg ? ffmpeg.path : undefined;
  const state = (s: InputSource) => {
    const a = s.availability();
    return a.available ? { available: true } : { available: false, reason: a.reason };
  };
  return {
    ffmpeg: found
      ? { available: true, path: found }
      : { available: false, reason: (ffmpeg as { reason: string }).reason },
    cameras: await listCameras(found).catch(() => []),
    ndi: await ndi.list(query.ndiExtraIps ?? ''),
    syphon: state(new SyphonSource()),
    spout: state(new SpoutSource()),
  };
}

/**
 * Feedback, Syphon and Spout registered from the start (listed with why they are unavailable where they are),
 * WHIP slots made as publishers arrive, files, cameras and NDI senders added over the API. Commands: `input`
 * (`/scope/input "<id>"`, empty or "none" for no input), `input/fit`, `input/restart`.
 */
export async function setupInputs(o: InputSetupOptions): Promise<{
  hub: InputHub;
  whip: WhipIngest;
  feedback: FeedbackSource;
  apiRoutes: Hono;
  rootRoutes: Hono;
  close(): Promise<void>;
}> {
  const hub = new InputHub({ log: o.log, events: o.events, ...o.hub });
  const feedback = new FeedbackSource();
  await hub.add(feedback);
  await hub.add(new SyphonSource());
  await hub.add(new SpoutSource());
  const whip = new WhipIngest(hub, { iceServers: o.iceServers, log: o.log, ...o.whip });
  const ndi = new NdiDirectory();
  const stopFeedback = o.frames.onFrame((frame) => feedback.push(frame));
  const commandsOff = addInputCommands(o.commands, hub, o.log);
  return {
    hub,
    whip,
    feedback,
    apiRoutes: inputRoutes(hub, {
      create: (spec) => createSource(spec, (id) => hub.has(id)),
      devices: (q) => listDevices(q, ndi),
    }),
    rootRoutes: whipRoutes(whip),
    close: async () => {
      stopFeedback();
      for (const off of commandsOff) off();
      whip.close();
      ndi.close();
      await hub.stop();
    },
  };
}

function addInputCommands(commands: CommandRegistry, hub: InputHub, log: (m: string) => void): (() => void)[] {
  const fail = (err: unknown) => ({ ok: false as const, reason: toScopeError(err).message });
  return [
    commands.add({
      name: 'input',
      description: 'chooses the engine’s video input by id ("" or "none": no input)',
      arg: 'string',
      run: (value) => {
        const id = String(value ?? '').trim();
        try {
          hub.select(id === '' || id === 'none' ? null : id);
          return { ok: true };
        } catch (err) {
          return fail(err);
        }
      },
    }),
    commands.add({
      name: 'input/fit',
      description: 'how the input fills the output: cover, contain or stretch',
      arg: 'string',
      run: (value) => {
        if (!fits.includes(value as Fit)) return { ok: false, reason: `fit must be one of ${fits.join(', ')}` };
        hub.setFit(value as Fit);
        return { ok: true };
      },
    }),
    commands.add({
      name: 'input/restart',
      description: 'stops and starts an input again (a file plays from its start)',
      arg: 'string',
      run: (value) => {
        const id = String(value ?? '');
        if (!hub.has(id)) return { ok: false, reason: `no input "${id}"` };
        hub.restart(id).catch((err: Error) => log(`input ${id}: ${err.message}`));
        return { ok: true };
      },
    }),
  ];
}
