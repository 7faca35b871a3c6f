/** A perform layer on a ManualClock with a timecode service, for the timecode tests. */
import { afterEach } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../engine/clock';
import { p } from '../../params/spec';
import { ParamStore } from '../../params/store';
import { Perform } from '../perform';
import { PerformService } from '../perform-service';
import { TimecodeService, timecodeServiceDefaults } from './timecode-service';
import { timecodeOf, toFrames } from '../../shared/timecode-math';
import type { TimecodeServiceOptions } from './timecode-service';
import type { TimecodeRate } from '../../shared/timecode';

export async function timecodeRig(options: Partial<TimecodeServiceOptions> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'timecode-'));
  const clock = new ManualClock();
  const params = new ParamStore();
  params.define({ zoom: p.number(1, { min: 0, max: 10 }), prompt: p.text('x') });
  const events: { topic: string; data: unknown }[] = [];
  const logs: string[] = [];
  const perform = new Perform({
    params,
    now: () => clock.now(),
    events: { emit: (topic, data) => events.push({ topic, data }) },
    log: (m) => logs.push(m),
  });
  perform.start();
  const service = new PerformService(perform, { dir, activePipeline: () => null, wallClock: () => new Date(0) });
  await service.load();
  const make = async () => {
    const t = new TimecodeService(service, { source: 'mtc', dir, clock, ...timecodeServiceDefaults, ...options });
    await t.load();
    return t;
  };
  const timecode = await make();
  /** Runs the perform layer's frame stage now: fades and the timeline land their values. */
  const frame = () => perform.prepare(clock.now());
  /** A source heard playing from `label` for `count` frames (one position per frame, as LTC gives them). */
  const play = (t: TimecodeService, label: string, count: number, rate: TimecodeRate = '25') => {
    const first = toFrames(timecodeOf(label), rate);
    for (let i = 0; i < count; i++) {
      t.hear({ frames: first + i, rate, at: clock.now() });
      frame();
      if (i < count - 1) clock.advance(1000 / (rate === '29.97df' ? 30000 / 1001 : Number(rate)));
    }
  };
  return {
    dir,
    clock,
    params,
    perform,
    service,
    timecode,
    events,
    logs,
    make,
    frame,
    play: (label: string, count: number, rate?: TimecodeRate) => play(timecode, label, count, rate),
    close: async () => {
      await timecode.close();
      perform.stop();
      await service.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export type TimecodeRig = Awaited<ReturnType<typeof timecodeRig>>;

/** For a test file's top level: a `timecodeRig` maker whose rigs are closed after the test that made them. */
export function rigsClosedAfterEach(): (...args: Parameters<typeof timecodeRig>) => Promise<TimecodeRig> {
  const rigs: TimecodeRig[] = [];
  afterEach(async () => {
    for (const r of rigs.splice(0)) await r.close();
  });
  return async (...args) => {
    const r = await timecodeRig(...args);
    rigs.push(r);
    return r;
  };
}
