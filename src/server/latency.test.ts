import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../engine/clock';
import { solidPipeline } from '../engine/test-support';
import { UdpClient, encode } from '../../control/osc/test-support';
import { universe } from '../../control/dmx/test-support';
import { httpClient } from '../../control/mcp/test-mcp';
import { encodeArtDmx } from '../media/artnet';
import { FakeMidiBackend } from '../../control/midi/test-backend';
import { MidiService } from '../../control/midi/service';
import { cc } from '../../control/midi/test-support';
import { TestSocket, socketRig, startTestScope, waitFor } from './test-support';
import { statsSchema } from '../shared/api';
import type { Rig } from './test-support';
import type { Scope } from '../main';

/**
 * Latency you can see, end to end: a change over a real socket, stamped on the manual clock where it arrives,
 * shows up in GET /api/v1/stats under `latency` once the frame rendered with it is published.
 */
describe('latency in /api/v1/stats', () => {
  const clock = new ManualClock();
  let scope: Scope;
  let rig: Rig;
  let configDir: string;
  const level = () => scope.services.params.get('level');

  beforeAll(async () => {
    configDir = await mkdtemp(join(tmpdir(), 'scope-latency-'));
    scope = await startTestScope({
      clock,
      pipelines: [solidPipeline()],
      pipeline: 'solid',
      configDir,
      artnet: 0,
      midi: false,
      oscQueryPort: null,
    });
    rig = socketRig(scope, clock);
    await rig.frames(2);
  });
  afterAll(async () => {
    await scope.stop();
    await rm(configDir, { recursive: true, force: true });
  });

  /** The clock stands still while the change travels; it arrives `into` ms after the last frame went out. */
  async function measure(into: number, send: () => Promise<void>, value: number) {
    clock.advance(into);
    await send();
    await waitFor(() => level() === value, 5000, `level ${value} in the store`);
    const [frame] = await rig.frames(1);
    expect(frame!.data[0]).toBe(value);
    const stats = await rig.call('/api/v1/stats');
    expect(statsSchema.parse(stats.body)).toEqual(stats.body);
    return stats.body.latency as Record<string, { p50: number; p95: number; count: number }>;
  }

  it('an OSC message over UDP: the rest of the frame interval, under osc', async () => {
    const client = await UdpClient.open();
    try {
      const latency = await measure(
        5,
        () => client.send(encode('/scope/level', [{ type: 'i', value: 200 }]), scope.osc!.port),
        200,
      );
      // Arrived 5 ms after a frame at 30 fps, out with the next one: 33.33 - 5.
      expect(latency.osc).toEqual({ p50: 28.33, p95: 28.33, count: 1 });
      expect(latency.ws!.count).toBe(0);
    } finally {
      await client.close();
    }
  });

  it('a WebSocket set: under ws, apart from OSC', async () => {
    const socket = await TestSocket.open(scope.url);
    try {
      const latency = await measure(
        20,
        async () => {
          socket.send({ type: 'set', params: { level: 90 }, id: 'l' });
          await socket.take('ack', (m) => m.id === 'l');
        },
        90,
      );
      expect(latency.ws).toEqual({ p50: 13.33, p95: 13.33, count: 1 });
      expect(latency.osc!.count).toBe(1);
    } finally {
      await socket.close();
    }
  });

  it('a change while the picture is paused waits for the first frame that shows it', async () => {
    scope.services.engine.setPaused(true);
    const answer = await rig.call('/api/v1/parameters', { method: 'PATCH', body: { level: 33 } });
    expect(answer.status).toBe(200);
    await rig.frames(3); // paused: the last frame again, three times; the change is not on screen yet
    expect((await rig.call('/api/v1/stats')).body.latency.http.count).toBe(0);
    scope.services.engine.setPaused(false);
    const [frame] = await rig.frames(1);
    expect(frame!.data[0]).toBe(33);
    // Changed at the last frame before the three repeats, shown four intervals later.
    expect((await rig.call('/api/v1/stats')).body.latency.http).toEqual({ p50: 133.33, p95: 133.33, count: 1 });
  });

  it('an Art-Net packet: stamped as it arrives, applied at the next frame, shown in the one after', async () => {
    const put = await rig.call('/api/v1/dmx/mappings', {
      method: 'PUT',
      body: { mappings: [{ param: 'level', protocol: 'artnet', universe: 0, channel: 1 }] },
    });
    expect(put.status).toBe(200);
    const desk = await UdpClient.open();
    try {
      clock.advance(4);
      await desk.send(encodeArtDmx(0, universe({ 1: 150 }).subarray(0, 2)), scope.dmx.service.status().artnet.port);
      await waitFor(() => scope.dmx.service.input.pendingSince !== undefined, 5000, 'the packet received');
      await rig.frames(1); // the levels are applied as this frame goes out
      expect(level()).toBe(150);
      const [frame] = await rig.frames(1);
      expect(frame!.data[0]).toBe(150);
      // 4 ms into a frame: 29.33 ms to the next one, where it was applied, and a whole frame more to be seen.
      expect((await rig.call('/api/v1/stats')).body.latency.dmx).toEqual({ p50: 62.67, p95: 62.67, count: 1 });
    } finally {
      await desk.close();
    }
  });

  it("an MCP tool's change: under mcp, not http", async () => {
    const { client } = await httpClient(scope.url);
    try {
      const http = (await rig.call('/api/v1/stats')).body.latency.http.count;
      clock.advance(8);
      const result = await client.callTool({ name: 'parameters_set', arguments: { values: { level: 61 } } });
      expect(result.isError).toBeFalsy();
      const [frame] = await rig.frames(1);
      expect(frame!.data[0]).toBe(61);
      const latency = (await rig.call('/api/v1/stats')).body.latency;
      expect(latency.mcp).toEqual({ p50: 25.33, p95: 25.33, count: 1 });
      expect(latency.http.count).toBe(http);
    } finally {
      await client.close();
    }
  });

  it('a MIDI knob through the MIDI seam: under midi', async () => {
    const backend = new FakeMidiBackend({ inputs: ['nanoKONTROL2 20:0'], outputs: [] });
    const midi = new MidiService(scope.services, { backend, mappingsFile: join(configDir, 'midi.json'), rescanMs: 0 });
    await midi.start();
    try {
      await midi.addMapping({ param: 'level', control: { kind: 'cc', number: 16 }, softTakeover: false });
      clock.advance(30);
      backend.inject('nanoKONTROL2 20:0', cc(1, 16, 127));
      expect(level()).toBe(255);
      const [frame] = await rig.frames(1);
      expect(frame!.data[0]).toBe(255);
      expect((await rig.call('/api/v1/stats')).body.latency.midi).toEqual({ p50: 3.33, p95: 3.33, count: 1 });
    } finally {
      await midi.stop();
    }
  });
});
