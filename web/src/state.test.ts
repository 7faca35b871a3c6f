import { describe, expect, it } from 'vitest';
import { SPARK_POINTS, initialState, reduce } from './state';
import { serverMessageSchema } from '../../src/shared/messages';
import { LATENCY_SURFACES } from '../../src/shared/latency';
import type { Stats } from '../../src/shared/api';
import type { DmxStatus } from '../../src/shared/dmx';
import type { InputInfo } from '../../src/shared/inputs';
import type { OutputInfo } from '../../src/shared/outputs';
import type { PanelState } from './state';

const stats = (frameTimeP50: number): Stats => ({
  fps: 30,
  renderedFps: 30,
  targetFps: 30,
  frameTimeP50,
  frameTimeP99: frameTimeP50,
  intervalP50: 33,
  intervalP99: 34,
  intervalStddev: 1,
  frames: 1,
  dropped: 0,
  late: 0,
  renderErrors: 0,
  state: 'ready',
  paused: false,
  clients: { ws: 1, mjpeg: 1 },
  refused: {},
  memory: null,
  latency: Object.fromEntries(
    LATENCY_SURFACES.map((surface) => [surface, { p50: 0, p95: 0, count: 0 }]),
  ) as Stats['latency'],
  outputDelayMs: 0,
});

const loadable = { ok: true, reason: null, fix: null };
const withPipeline: PanelState = {
  ...initialState,
  pipeline: 'a',
  values: { zoom: 1, hue: 0 },
  pipelines: [
    { id: 'a', name: 'A', description: '', schema: {}, active: true, takesInput: false, loadable },
    { id: 'b', name: 'B', description: '', schema: {}, active: false, takesInput: true, loadable },
  ],
};

describe('reduce', () => {
  it('merges remote, acknowledged and local values', () => {
    let s = reduce(withPipeline, { type: 'message', message: { type: 'params', values: { zoom: 2 }, source: 'osc' } });
    s = reduce(s, { type: 'message', message: { type: 'ack', id: 1, values: { hue: 10 } } });
    s = reduce(s, { type: 'local-values', values: { zoom: 3 } });
    expect(s.values).toEqual({ zoom: 3, hue: 10 });
  });

  it('replaces schema and values on a pipeline switch and marks the active pipeline', () => {
    const s = reduce(withPipeline, {
      type: 'message',
      message: { type: 'pipeline', pipeline: 'b', values: { speed: 1 }, schema: { type: 'object' } },
    });
    expect(s.values).toEqual({ speed: 1 });
    expect(s.pipelines.map((p) => p.active)).toEqual([false, true]);
  });

  it('keeps a bounded history of frame times for the sparkline', () => {
    let s = initialState;
    for (let i = 0; i < SPARK_POINTS + 5; i++)
      s = reduce(s, { type: 'message', message: { type: 'stats', stats: stats(i) } });
    expect(s.frameTimes).toHaveLength(SPARK_POINTS);
    expect(s.frameTimes.at(-1)).toBe(SPARK_POINTS + 4);
  });

  it('takes service events that parse, ignores the rest, and hides a service that answered 404', () => {
    const outputs: OutputInfo[] = [
      {
        id: 'ndi',
        kind: 'ndi',
        name: 'NDI',
        available: true,
        enabled: true,
        state: 'running',
        clients: 1,
        fps: 30,
        dropped: 0,
        errors: 0,
        options: {},
        urls: ['Scope'],
      },
    ];
    let s = reduce(initialState, { type: 'message', message: { type: 'event', topic: 'outputs', data: outputs } });
    expect(s.outputs).toMatchObject([{ id: 'ndi', clients: 1, fps: 30 }]);
    s = reduce(s, { type: 'service', topic: 'outputs', data: { nonsense: true } });
    expect(s.outputs).toHaveLength(1);
    // An output without its counters is another shape: not filled in with guesses.
    s = reduce(s, { type: 'service', topic: 'outputs', data: [{ ...outputs[0], clients: undefined }] });
    expect(s.outputs).toMatchObject([{ clients: 1 }]);
    s = reduce(s, { type: 'service', topic: 'outputs', data: null });
    expect(s.outputs).toBeNull();
    s = reduce(s, {
      type: 'service',
      topic: 'presets',
      data: { pipeline: 'a', presets: [{ name: 'x', values: { zoom: 2 }, savedAt: '2026-01-01T00:00:00.000Z' }] },
    });
    expect(s.presets?.presets[0]?.name).toBe('x');
    const model = (state: string, bytes: number) => ({
      id: 'sd-turbo',
      pipeline: 'streamdiffusion',
      description: 'SD-Turbo',
      state,
      files: [
        {
          repo: 'onnxruntime/sd-turbo',
          revision: 'main',
          file: 'unet/model.onnx',
          role: 'UNet',
          size: 2_600_000_000,
          approximate: true,
          present: bytes,
          state: bytes > 0 ? 'partial' : 'missing',
        },
      ],
      progress: { bytes, total: state === 'downloading' ? 2_600_000_000 : null, rate: 0, eta: null },
      error: null,
    });
    s = reduce(s, {
      type: 'service',
      topic: 'models',
      data: { dir: '/m', models: [model('downloading', 650_000_000)] },
    });
    expect(s.models).toEqual([
      {
        id: 'sd-turbo',
        pipeline: 'streamdiffusion',
        state: 'downloading',
        size: '650 MB of 2.6 GB',
        fraction: 0.25,
        error: null,
        runs: null,
      },
    ]);
    s = reduce(s, { type: 'service', topic: 'models', data: { dir: '/m', models: [model('missing', 0)] } });
    expect(s.models[0]).toMatchObject({ state: 'missing', size: '≈2.6 GB', fraction: null });
    // Another shape is not guessed at: no lines.
    s = reduce(s, { type: 'service', topic: 'models', data: { models: [{ role: 'UNet', received: 50 }] } });
    expect(s.models).toEqual([]);
  });

  it('follows the LoRA folder and its installs from the GET and then the loras events', () => {
    const folder = { dir: '/m/loras', loras: [{ name: 'ink', bytes: 10 }], installs: [] };
    let s = reduce(initialState, { type: 'service', topic: 'loras', data: folder });
    expect(s.loras).toEqual(folder);
    const install = { name: 'glow', from: 'http://h/glow.safetensors', state: 'downloading' as const, bytes: 5 };
    const pushed = { ...folder, installs: [{ ...install, total: 10, rate: 1, eta: 5, error: null }] };
    s = reduce(s, { type: 'message', message: { type: 'event', topic: 'loras', data: pushed } });
    expect(s.loras?.installs[0]).toMatchObject({ name: 'glow', bytes: 5, total: 10 });
    // A server without the route (404): the card hides.
    expect(reduce(s, { type: 'service', topic: 'loras', data: null }).loras).toBeNull();
  });

  it('shows the server error in words', () => {
    const s = reduce(initialState, {
      type: 'message',
      message: { type: 'error', error: { code: 'invalid_parameters', message: 'zoom: expected a number' } },
    });
    expect(s.lastError).toBe('zoom: expected a number');
  });
});

describe('inputs in the panel state', () => {
  it('takes the inputs list and the selection from their events, and ignores what does not parse', () => {
    const row: InputInfo = {
      id: 'feedback',
      kind: 'feedback',
      name: 'Feedback',
      available: true,
      state: 'live',
      active: true,
      width: 64,
      height: 64,
      fps: 30,
      frames: 9,
      removable: false,
      options: {},
    };
    let s = reduce(initialState, { type: 'message', message: { type: 'event', topic: 'inputs', data: [row] } });
    s = reduce(s, {
      type: 'message',
      message: { type: 'event', topic: 'input', data: { source: 'feedback', fit: 'contain' } },
    });
    expect(s.inputs?.[0]).toMatchObject({ id: 'feedback', state: 'live' });
    expect(s.input).toEqual({ source: 'feedback', fit: 'contain' });
    // The socket drops an event whose data is not its topic's shape (client.ts parses with this schema) ...
    expect(serverMessageSchema.safeParse({ type: 'event', topic: 'inputs', data: [{ id: 1 }] }).success).toBe(false);
    // ... and a GET answer of another shape leaves the state as it was.
    const same = reduce(s, { type: 'service', topic: 'inputs', data: [{ id: 1 }] });
    expect(same.inputs).toBe(s.inputs);
  });

  it('keeps the DMX status from its GET and its events; a 404 hides the card', () => {
    const off = { enabled: false, reason: 'off', host: '127.0.0.1', port: 0, received: 0, rejected: {} };
    const dmx: DmxStatus = { artnet: off, sacn: off, merge: 'ltp', learning: null, mappings: [], applied: 0 };
    let s = reduce(initialState, { type: 'service', topic: 'dmx', data: dmx });
    expect(s.dmx?.merge).toBe('ltp');
    const learning: DmxStatus = { ...dmx, learning: { param: 'level', bits: 8, since: 1 } };
    s = reduce(s, { type: 'message', message: { type: 'event', topic: 'dmx', data: learning } });
    expect(s.dmx?.learning?.param).toBe('level');
    s = reduce(s, { type: 'service', topic: 'dmx', data: null });
    expect(s.dmx).toBeNull();
  });
});
