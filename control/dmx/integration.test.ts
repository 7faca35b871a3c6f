import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { universe } from './test-support';
import { decodeArtnet, encodeArtDmx } from '../../src/media/artnet';
import { startScope } from '../../src/main';
import { solidPipeline } from '../../src/engine/test-support';
import { waitFor } from '../../src/server/test-support';
import type { Socket } from 'node:dgram';

const cleanup: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function udp(): Promise<Socket> {
  const s = createSocket('udp4');
  cleanup.push(() => void s.close());
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  return s;
}

describe('DMX with a real server and pipeline', () => {
  it('a desk channel moves the picture, and the picture comes back out as DMX', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scope-dmx-int-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const scope = await startScope({
      port: 0,
      host: '127.0.0.1',
      pipelines: [solidPipeline()],
      pipeline: 'solid',
      width: 16,
      height: 16,
      waitForLoad: true,
      oscPort: null,
      oscQueryPort: null,
      midi: false,
      configDir: dir,
      artnet: 0,
      log: () => {},
    });
    cleanup.push(() => scope.stop());
    const api = (method: string, path: string, body?: unknown) =>
      fetch(`${scope.url}/api/v1${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });

    // The output is listed off until asked for, like NDI.
    const listed = (await (await api('GET', '/outputs')).json()) as { id: string; kind: string; state: string }[];
    expect(listed.find((o) => o.id === 'dmx')).toMatchObject({ kind: 'dmx', state: 'off' });

    const put = await api('PUT', '/dmx/mappings', {
      mappings: [{ param: 'level', protocol: 'artnet', universe: 0, channel: 1 }],
    });
    expect(put.status).toBe(200);
    const rx = await udp();
    const received: Buffer[] = [];
    rx.on('message', (m) => received.push(m));
    const on = await api('PUT', '/outputs/dmx', {
      enabled: true,
      options: { port: rx.address().port, fixtures: [{ kind: 'grid', universe: 1, columns: 1, rows: 1 }] },
    });
    expect(on.status).toBe(200);

    const desk = await udp();
    const port = scope.dmx.service.status().artnet.port;
    desk.send(encodeArtDmx(0, universe({ 1: 200 }).subarray(0, 2)), port, '127.0.0.1');
    // Real time: the server's frame loop runs on its own clock here, so wait (bounded) for it to apply and render.
    await waitFor(() => scope.services.params.get('level') === 200, 5000, 'level set from DMX');
    const redOut = () =>
      received.some((m) => {
        const d = decodeArtnet(m);
        return d.ok && d.packet.op === 'dmx' && d.packet.universe === 1 && d.packet.data[0] === 200;
      });
    await waitFor(redOut, 5000, 'an ArtDmx with red 200');
    const after = (await (await api('GET', '/outputs')).json()) as { id: string; state: string; urls: string[] }[];
    expect(after.find((o) => o.id === 'dmx')).toMatchObject({
      state: 'running',
      urls: [`artnet 127.0.0.1:${rx.address().port}, universes 1`],
    });
  });
});
