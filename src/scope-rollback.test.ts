/** The real service list's rollback: a start that fails part-way lets go of what the services before it opened. */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScope } from './main';
import { solidPipeline } from './engine/test-support';
import { FakeMidiBackend } from '../control/midi/test-backend';

describe('a start that fails part-way', () => {
  let busy: Server;
  let config: string;
  beforeAll(async () => {
    config = await mkdtemp(join(tmpdir(), 'scope-rollback-'));
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => busy.close(resolve));
    await rm(config, { recursive: true, force: true });
  });

  it('with its HTTP port taken, it throws, and the MIDI controller opened before it is let go', async () => {
    const backend = new FakeMidiBackend({ inputs: ['pads'], outputs: ['pads'] });
    const opened: string[] = [];
    const openInput = backend.openInput.bind(backend);
    backend.openInput = (name, onMessage) => {
      opened.push(name);
      return openInput(name, onMessage);
    };
    const logs: string[] = [];
    await expect(
      startScope({
        port: (busy.address() as AddressInfo).port,
        host: '127.0.0.1',
        pipelines: [solidPipeline()],
        pipeline: null,
        oscPort: null,
        oscQueryPort: null,
        midi: true,
        midiBackend: backend,
        configDir: config,
        pluginSearch: [],
        isolation: 'worker',
        log: (m) => logs.push(m),
      }),
    ).rejects.toThrow();
    expect(opened).toEqual(['pads']);
    expect(backend.isInputOpen('pads')).toBe(false);
    expect(backend.isOutputOpen('pads')).toBe(false);
  });
});
