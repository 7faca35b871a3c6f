import { describe, expect, it } from 'vitest';
import { OutputHub } from './hub';
import { SyphonOutput } from './syphon/syphon-output';
import { SpoutOutput } from './spout/spout-output';
import type { SyphonModule } from './syphon/syphon-output';
import type { SpoutSender } from './spout/spout-output';
import type { Frame } from '../src/engine/frame';

// A 2x1 frame: one red, one blue pixel.
const frame: Frame = {
  data: new Uint8Array([255, 0, 0, 255, 0, 0, 255, 128]),
  width: 2,
  height: 1,
  seq: 1,
  timestamp: 0,
  pipelineId: 'test',
  repeated: false,
};
const flush = () => new Promise((r) => setImmediate(r));

describe('Syphon and Spout on this platform', () => {
  it('are listed as unavailable with the reason on Linux', () => {
    const hub = new OutputHub()
      .add(new SyphonOutput('syphon', {}, undefined, 'linux'))
      .add(new SpoutOutput('spout', {}, undefined, 'linux'));
    expect(hub.info('syphon')).toMatchObject({
      available: false,
      state: 'unavailable',
      reason: 'Syphon exists only on macOS (this is linux)',
    });
    expect(hub.info('spout')).toMatchObject({
      available: false,
      reason: 'Spout exists only on Windows (this is linux)',
    });
  });
});

describe('Syphon through a fake node-syphon', () => {
  it('publishes RGBA frames flipped for OpenGL, renames by recreating the server, disposes on stop', async () => {
    const calls: unknown[][] = [];
    const fake: SyphonModule = {
      SyphonOpenGLServer: class {
        constructor(readonly name: string) {
          calls.push(['create', name]);
        }
        publishImageData(data: Uint8ClampedArray, ...rest: unknown[]) {
          calls.push(['publish', Array.from(data), ...rest]);
        }
        dispose() {
          calls.push(['dispose']);
        }
      },
    };
    const syphon = new SyphonOutput('syphon', { name: 'stage' }, async () => fake, 'darwin');
    const hub = new OutputHub().add(syphon, true);
    await hub.start();
    hub.offer(frame);
    await flush();
    expect(calls[0]).toEqual(['create', 'stage']);
    expect(calls[1]).toEqual([
      'publish',
      [255, 0, 0, 255, 0, 0, 255, 128],
      'GL_TEXTURE_2D',
      { x: 0, y: 0, width: 2, height: 1 },
      { width: 2, height: 1 },
      true,
    ]);
    await hub.setOptions('syphon', { name: 'wall' });
    expect(calls.slice(2)).toEqual([['dispose'], ['create', 'wall']]);
    await hub.stop();
    expect(calls.at(-1)).toEqual(['dispose']);
  });

  it('when node-syphon is missing: start fails with the install command, and the listing says so', async () => {
    const syphon = new SyphonOutput(
      'syphon',
      {},
      () => Promise.reject(new Error("Cannot find package 'node-syphon'")),
      'darwin',
    );
    const hub = new OutputHub().add(syphon, true);
    await hub.start();
    expect(hub.info('syphon')).toMatchObject({ state: 'error' });
    expect(hub.info('syphon').reason).toContain('npm install node-syphon');
    expect(syphon.availability()).toMatchObject({ available: false });
  });
});

describe('Spout through a fake SpoutLibrary', () => {
  function fakeSender(ok = true) {
    const calls: unknown[][] = [];
    const sender: SpoutSender = {
      setName: (n) => calls.push(['name', n]),
      sendImage: (px, w, h) => (calls.push(['send', Array.from(px), w, h]), ok),
      release: () => calls.push(['release']),
    };
    return { calls, sender };
  }

  it('sends BGRA pixels, renames, releases on stop', async () => {
    const { calls, sender } = fakeSender();
    const spout = new SpoutOutput(
      'spout',
      { name: 'stage' },
      () => sender,
      'win32',
      'C:\\x\\SpoutLibrary.dll',
      () => true,
    );
    const hub = new OutputHub().add(spout, true);
    await hub.start();
    hub.offer(frame);
    await flush();
    expect(calls).toEqual([
      ['name', 'stage'],
      ['send', [0, 0, 255, 255, 255, 0, 0, 128], 2, 1],
    ]);
    await hub.setOptions('spout', { name: 'wall' });
    await hub.stop();
    expect(calls.slice(2)).toEqual([['name', 'wall'], ['release']]);
  });

  it('a failing SendImage is this output failing, reported, not thrown at the loop', async () => {
    const { sender } = fakeSender(false);
    const spout = new SpoutOutput(
      'spout',
      {},
      () => sender,
      'win32',
      'x.dll',
      () => true,
    );
    const hub = new OutputHub().add(spout, true);
    await hub.start();
    hub.offer(frame);
    await flush();
    expect(hub.info('spout')).toMatchObject({ state: 'error', errors: 1 });
  });

  it('without the DLL it is listed with where it looked', () => {
    const spout = new SpoutOutput('spout', {}, undefined, 'win32', 'C:\\nowhere\\SpoutLibrary.dll', () => false);
    expect(spout.availability()).toMatchObject({ available: false });
    expect((spout.availability() as { reason: string }).reason).toContain('SPOUT_LIBRARY_PATH');
  });
});
