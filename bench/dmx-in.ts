/**
 * What a lighting desk costs the server: four universes of Art-Net at 44 Hz each (DMX512's full refresh rate),
 * 128 mappings, applied once per frame at 30 fps; first with every mapped channel moving all the time (the worst
 * case), then with four faders moving (a person at a desk). Measures, in process, the receive path (decode,
 * merge) per packet and the per-frame flush, and prints the share of one second of CPU they take.
 * `npx tsx bench/dmx-in.ts`
 */
import { performance } from 'node:perf_hooks';
import { decodeArtnet, encodeArtDmx } from '../src/media/artnet';
import { DmxService } from '../control/dmx/service';
import { p } from '../src/params/spec';
import { ParamStore } from '../src/params/store';

const UNIVERSES = 4;
const HZ = 44;
const FPS = 30;
const SECONDS = 20;

const params = new ParamStore();
params.define(Object.fromEntries(Array.from({ length: 128 }, (_, i) => [`p${i}`, p.number(0, { min: 0, max: 1 })])));
const service = new DmxService({ params, log: () => {} }, { mappingsFile: '/dev/null', write: async () => {} });
await service.replaceMappings(
  Array.from({ length: 128 }, (_, i) => ({
    param: `p${i}`,
    protocol: 'artnet' as const,
    universe: i % UNIVERSES,
    channel: Math.floor(i / UNIVERSES) * 2 + 1,
  })),
);

async function scenario(moving: number) {
  let receive = 0;
  let flush = 0;
  let packets = 0;
  const levels = new Uint8Array(512);
  for (let s = 0; s < SECONDS; s++) {
    for (let f = 0; f < FPS; f++) {
      // The packets that arrive during one frame: 44/30 per universe.
      const due = Math.round(((f + 1) * HZ) / FPS) - Math.round((f * HZ) / FPS);
      for (let k = 0; k < due; k++) {
        const level = (s * FPS + f + k) & 0xff;
        if (moving >= 512) levels.fill(level);
        else levels.fill(level, 0, moving);
        for (let u = 0; u < UNIVERSES; u++) {
          const datagram = encodeArtDmx(u, levels);
          const t0 = performance.now();
          const d = decodeArtnet(datagram);
          if (d.ok && d.packet.op === 'dmx') service.input.put('artnet', d.packet.universe, 'desk', d.packet.data, 100);
          receive += performance.now() - t0;
          packets++;
        }
      }
      const t1 = performance.now();
      service.flush();
      flush += performance.now() - t1;
    }
  }
  const perSecond = (ms: number) => ms / SECONDS;
  return {
    moving,
    packetsPerSecond: packets / SECONDS,
    receiveUsPerPacket: Math.round((receive / packets) * 1000 * 10) / 10,
    flushUsPerFrame: Math.round((flush / (SECONDS * FPS)) * 1000 * 10) / 10,
    cpuShare: `${(((perSecond(receive) + perSecond(flush)) / 1000) * 100).toFixed(3)}%`,
    writes: service.status().applied,
  };
}
console.log(JSON.stringify(await scenario(512)));
console.log(JSON.stringify(await scenario(4)));
console.log(JSON.stringify(await scenario(0)));
