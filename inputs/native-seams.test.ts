import { describe, expect, it } from 'vitest';
import { InputHub } from './hub';
import { ManualTimers } from '../src/kernel/timers';
import { SpoutSource } from './spout/spout-source';
import { SyphonSource, pickServer } from './syphon/syphon-source';
import type { SpoutReceiver } from './spout/spout-source';
import type { SyphonClientModule, SyphonServerDescription } from './syphon/syphon-source';

const server = (name: string, app: string, uuid = name): SyphonServerDescription => ({
  SyphonServerDescriptionNameKey: name,
  SyphonServerDescriptionAppNameKey: app,
  SyphonServerDescriptionUUIDKey: uuid,
});

describe('Syphon and Spout inputs on this platform', () => {
  it('are listed as unavailable with the reason on Linux', async () => {
    const hub = new InputHub();
    await hub.add(new SyphonSource('syphon', {}, undefined, 'linux'));
    await hub.add(new SpoutSource('spout', {}, undefined, 'linux'));
    await hub.start();
    expect(hub.info('syphon')).toMatchObject({
      state: 'unavailable',
      reason: 'Syphon exists only on macOS (this is linux)',
    });
    expect(hub.info('spout')).toMatchObject({
      state: 'unavailable',
      reason: 'Spout exists only on Windows (this is linux)',
    });
    await hub.stop();
  });
});

describe('Syphon in through a fake node-syphon', () => {
  function fake() {
    const servers: SyphonServerDescription[] = [];
    const clients: {
      uuid: string;
      emit: (f: { buffer: Uint8Array; width: number; height: number }) => void;
      disposed: boolean;
    }[] = [];
    const mod: SyphonClientModule = {
      SyphonServerDirectory: class {
        listen() {}
        get servers() {
          return servers;
        }
        dispose() {}
      },
      SyphonOpenGLClient: class {
        private readonly me;
        constructor(s: SyphonServerDescription) {
          this.me = { uuid: s.SyphonServerDescriptionUUIDKey, emit: (_f: never) => {}, disposed: false };
          clients.push(this.me as never);
        }
        on(_: 'frame', listener: (f: { buffer: Uint8Array; width: number; height: number }) => void) {
          this.me.emit = listener as never;
        }
        dispose() {
          this.me.disposed = true;
        }
      },
    };
    return { mod, servers, clients };
  }

  it('connects to the named server, flips OpenGL rows, holds the frame when it retires, and comes back', async () => {
    const { mod, servers, clients } = fake();
    // The source looks in the directory every 500 ms on the hub's timers: the test moves them by hand.
    const timers = new ManualTimers();
    const hub = new InputHub({ timers });
    await hub.add(new SyphonSource('syphon', { server: 'Main' }, async () => mod, 'darwin'));
    await hub.start();
    hub.select('syphon');
    expect(hub.info('syphon').state).toBe('waiting');
    servers.push(server('Other', 'VDMX'), server('Main', 'TouchDesigner', 'u1'));
    timers.advance(500);
    expect(clients.length).toBe(1);
    expect(clients[0]!.uuid).toBe('u1');
    // Bottom row first (OpenGL): row 0 here is the bottom of the picture.
    clients[0]!.emit({ buffer: new Uint8Array([9, 9, 9, 9, 200, 0, 0, 255]), width: 1, height: 2 });
    expect([...hub.frame(1, 2)!.data]).toEqual([200, 0, 0, 255, 9, 9, 9, 255]);
    expect(hub.info('syphon').detail).toBe('from TouchDesigner – Main');
    servers.splice(1, 1);
    timers.advance(500);
    expect(hub.info('syphon').state).toBe('lost');
    expect(clients[0]!.disposed).toBe(true);
    expect(hub.frame(1, 2)).toBeDefined();
    servers.push(server('Main', 'TouchDesigner', 'u2'));
    timers.advance(500);
    expect(clients.length).toBe(2);
    clients[1]!.emit({ buffer: new Uint8Array(8).fill(50), width: 1, height: 2 });
    expect(hub.info('syphon').state).toBe('live');
    await hub.stop();
  });

  it('without node-syphon: start fails with the install command, and the listing says so', async () => {
    const hub = new InputHub({ backoffMs: [60_000] });
    await hub.add(
      new SyphonSource('syphon', {}, () => Promise.reject(new Error("Cannot find package 'node-syphon'")), 'darwin'),
    );
    await hub.start();
    expect(hub.info('syphon').state).toBe('error');
    expect(hub.info('syphon').reason).toContain('npm install node-syphon');
    await hub.stop();
  });

  it('picks a server by name, by application, or the first', () => {
    const list = [server('A', 'Resolume'), server('B', 'TouchDesigner')];
    expect(pickServer(list, '')?.SyphonServerDescriptionNameKey).toBe('A');
    expect(pickServer(list, 'TouchDesigner')?.SyphonServerDescriptionNameKey).toBe('B');
    expect(pickServer(list, 'C')).toBeUndefined();
  });
});

describe('Spout in through a fake SpoutLibrary', () => {
  it('reads BGRA frames, sizes its buffer to the sender, and holds the last frame when the sender closes', async () => {
    const state = { width: 2, height: 1, connected: true, updated: true, names: [] as string[], released: 0 };
    const receiver: SpoutReceiver = {
      setName: (n) => state.names.push(n),
      size: () => ({ width: state.width, height: state.height }),
      receive: (bgra) => {
        if (!state.connected) return false;
        bgra.set([0, 0, 255, 255, 255, 0, 0, 255].slice(0, bgra.length));
        return true;
      },
      updated: () => {
        const u = state.updated;
        state.updated = false;
        return u;
      },
      connected: () => state.connected,
      senderName: () => 'Resolume',
      release: () => state.released++,
    };
    // The receiver is polled at its fps (100: every 10 ms) on the hub's timers, moved by hand.
    const timers = new ManualTimers();
    const hub = new InputHub({ timers });
    await hub.add(
      new SpoutSource(
        'spout',
        { sender: 'Resolume', fps: 100 },
        () => receiver,
        'win32',
        'C:\\x\\SpoutLibrary.dll',
        () => true,
      ),
    );
    await hub.start();
    hub.select('spout');
    timers.advance(10);
    expect(hub.info('spout').state).toBe('live');
    expect(state.names).toEqual(['Resolume']);
    expect([...hub.frame(2, 1)!.data]).toEqual([255, 0, 0, 255, 0, 0, 255, 255]);
    state.connected = false;
    timers.advance(10);
    expect(hub.info('spout').state).toBe('lost');
    expect(hub.info('spout').reason).toMatch(/sender closed/);
    expect(hub.frame(2, 1)).toBeDefined();
    await hub.stop();
    expect(state.released).toBe(1);
  });

  it('without the DLL it is listed with where it looked', () => {
    const spout = new SpoutSource('spout', {}, undefined, 'win32', 'C:\\nowhere\\SpoutLibrary.dll', () => false);
    expect(spout.availability()).toMatchObject({ available: false });
    expect((spout.availability() as { reason: string }).reason).toContain('SPOUT_LIBRARY_PATH');
  });
});
