import { afterEach, describe, expect, it } from 'vitest';
import { dmxRig, universe } from './test-support';
import type { DmxRig } from './test-support';

const rigs: DmxRig[] = [];
afterEach(async () => {
  await Promise.all(rigs.splice(0).map((r) => r.close()));
});
const rig = async (...args: Parameters<typeof dmxRig>) => {
  const r = await dmxRig(...args);
  rigs.push(r);
  return r;
};

const fader = { id: 'fader', param: 'level', protocol: 'artnet', universe: 0, channel: 1 } as const;
const pair = { id: 'pair', param: 'hue', protocol: 'sacn', universe: 1, channel: 10, fine: 11 } as const;

describe('DMX in: mappings to parameters', () => {
  it('a desk at 44 Hz costs one write per changed mapping per frame, none for a channel that held still', async () => {
    const r = await rig();
    await r.service.replaceMappings([fader, pair]);
    const writes: string[] = [];
    r.params.onChange((e) => e.kind === 'value' && writes.push(`${e.path}=${String(e.value)}`));
    // About one and a half frames' worth of packets at 44 Hz, the fader moving all along.
    for (let i = 1; i <= 44; i++) r.service.input.put('artnet', 0, 'desk', universe({ 1: i * 5 }), 100);
    r.service.flush();
    expect(writes).toEqual([`level=${220 / 255}`]);
    // The same levels again: nothing to write.
    r.service.input.put('artnet', 0, 'desk', universe({ 1: 220 }), 100);
    r.service.flush();
    expect(writes).toHaveLength(1);
    // 16 bits on sACN: coarse 0x80, fine 0x00 is just past half way.
    r.service.input.put('sacn', 1, 'cid', universe({ 10: 0x80, 11: 0 }), 100);
    r.service.flush();
    expect(r.params.get('hue')).toBeCloseTo((0x8000 / 65535) * 360 - 180, 9);
    expect(r.service.status().applied).toBe(2);
  });

  it('learns the channel that moves, 16 bits included, saves it, and the channel then drives the parameter', async () => {
    const r = await rig({ artnet: { host: '127.0.0.1', port: 0 } });
    r.service.learn('hue', 16);
    r.service.input.put('artnet', 3, 'desk', universe(), 100);
    r.service.flush();
    r.service.input.put('artnet', 3, 'desk', universe({ 20: 30, 21: 7 }), 100);
    r.service.flush();
    await r.service.saved();
    expect(r.service.mappings()).toMatchObject([
      { param: 'hue', protocol: 'artnet', universe: 3, channel: 20, fine: 21 },
    ]);
    expect((await r.onDisk()).mappings).toEqual(r.service.mappings());
    // Learning moves nothing; the next change does.
    expect(r.params.get('hue')).toBe(0);
    r.service.input.put('artnet', 3, 'desk', universe({ 20: 255, 21: 255 }), 100);
    r.service.flush();
    expect(r.params.get('hue')).toBe(180);
  });

  it('learn without a listener says how to start one', async () => {
    const r = await rig();
    expect(() => r.service.learn('level')).toThrow('start with --artnet or --sacn');
  });

  it('a failed save is refused with 507 and the mappings go back to what the file holds', async () => {
    const r = await rig();
    await r.service.replaceMappings([fader]);
    r.diskFull(true);
    await expect(r.service.replaceMappings([pair])).rejects.toThrow(/no space left/);
    expect(r.service.mappings()).toMatchObject([{ id: 'fader' }]);
    expect(r.service.status().saveError).toMatch(/DMX mappings/);
    expect((await r.onDisk()).mappings).toMatchObject([{ id: 'fader' }]);
  });

  it('loads the mappings file at start', async () => {
    const r = await rig();
    await r.service.replaceMappings([fader]);
    const again = await rig({ mappingsFile: r.file });
    expect(again.service.mappings()).toEqual(r.service.mappings());
  });
});

describe('/api/v1/dmx', () => {
  it('GET and PUT the mappings, with the defaults filled in', async () => {
    const r = await rig();
    const put = await r.call('PUT', '/dmx/mappings', { mappings: [fader] });
    expect(put.status).toBe(200);
    const full = { ...fader, fine: null, min: null, max: null, curve: 'linear', invert: false };
    expect(put.body).toEqual({ mappings: [full] });
    expect(await r.call('GET', '/dmx/mappings')).toEqual({ status: 200, body: { mappings: [full] } });
  });

  it.each([
    ['an sACN universe 0', { ...pair, universe: 0 }, 'sacn universes are 1-63999'],
    ['channel 513', { ...fader, channel: 513 }, 'channel'],
    ['a fine channel equal to the coarse', { ...fader, fine: 1 }, 'fine channel must differ'],
    ['a text parameter', { ...fader, param: 'prompt' }, 'text parameter; DMX cannot drive it'],
    ['an empty range', { ...fader, min: 0.3, max: 0.3 }, 'a mapping needs a range'],
  ])('PUT refuses %s with a sentence and changes nothing', async (_what, bad, sentence) => {
    const r = await rig();
    await r.call('PUT', '/dmx/mappings', { mappings: [fader] });
    const res = await r.call('PUT', '/dmx/mappings', { mappings: [pair, bad] });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain(sentence);
    expect(r.service.mappings()).toMatchObject([{ id: 'fader' }]);
  });

  it('PUT takes many 8-bit mappings side by side on one universe', async () => {
    const r = await rig();
    const side = [1, 2, 3].map((channel) => ({ param: 'level', protocol: 'artnet', universe: 0, channel }));
    const res = await r.call('PUT', '/dmx/mappings', { mappings: side });
    expect(res.status).toBe(200);
    expect(r.service.mappings().map((m) => m.channel)).toEqual([1, 2, 3]);
  });

  it("PUT refuses a 16-bit pair whose fine byte is another mapping's channel", async () => {
    const r = await rig();
    const res = await r.call('PUT', '/dmx/mappings', {
      mappings: [fader, { param: 'hue', protocol: 'artnet', universe: 0, channel: 9, fine: 1 }],
    });
    expect(res.status).toBe(400);
    expect(r.service.mappings()).toEqual([]);
  });

  it('PUT refuses two mappings reading one channel', async () => {
    const r = await rig();
    const res = await r.call('PUT', '/dmx/mappings', { mappings: [fader, { ...fader, id: 'again', param: 'hue' }] });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('channel 1 is already read by \\"level\\"');
  });

  it('learn starts with 202 and stops with DELETE; an unknown parameter is named', async () => {
    const r = await rig({ sacn: { host: '127.0.0.1', port: 0 } });
    expect(await r.call('POST', '/dmx/learn', { param: 'level' })).toMatchObject({
      status: 202,
      body: { learning: { param: 'level', bits: 8 } },
    });
    expect(await r.call('DELETE', '/dmx/learn')).toEqual({ status: 200, body: { learning: null } });
    const res = await r.call('POST', '/dmx/learn', { param: 'nope' });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { message: expect.stringContaining('unknown parameter "nope"') } });
  });

  it('POST adds one mapping and DELETE removes it', async () => {
    const r = await rig();
    const added = await r.call('POST', '/dmx/mappings', { ...fader, id: undefined });
    expect(added.status).toBe(201);
    const id = (added.body!.mapping as { id: string }).id;
    expect((await r.call('DELETE', `/dmx/mappings/${id}`)).status).toBe(204);
    expect((await r.call('DELETE', `/dmx/mappings/${id}`)).status).toBe(404);
  });
});
