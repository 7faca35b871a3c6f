/** Helpers for the MIDI tests: a real ParamStore with a few parameters, a fake backend and a temporary config dir. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeMidiBackend } from './test-backend';
import { MidiService } from './service';
import { p } from '../../src/params/spec';
import { ParamStore } from '../../src/params/store';
import { EventBus } from '../../src/kernel/events';
import { writeFileAtomic } from '../../src/files';
import type { MidiOptions } from './service';
import type { ParamSpecs } from '../../src/params/spec';
import type { MidiMapping } from '../../src/shared/midi';

export const testSpecs = (): ParamSpecs => ({
  level: p.number(0.5, { min: 0, max: 1 }),
  hue: p.number(0, { min: -180, max: 180, unit: 'deg' }),
  steps: p.int(4, { min: 0, max: 16 }),
  freeze: p.bool(false),
  flash: p.trigger(),
  mode: p.enum('waves', ['waves', 'grid', 'noise', 'rings']),
  prompt: p.text('a city at night'),
});

/** A mapping with every field filled in: any device, omni, the parameter's range, linear. */
export function mapping(param: string, control: MidiMapping['control'], extra: Partial<MidiMapping> = {}): MidiMapping {
  return {
    id: `t-${param}-${control.kind}`,
    param,
    device: null,
    channel: null,
    control,
    min: null,
    max: null,
    curve: 'linear',
    invert: false,
    softTakeover: false,
    ...extra,
  };
}

export const cc = (channel: number, number: number, value: number) => [0xb0 | (channel - 1), number, value];
export const noteOn = (channel: number, note: number, velocity = 100) => [0x90 | (channel - 1), note, velocity];
export const noteOff = (channel: number, note: number) => [0x80 | (channel - 1), note, 0];
export const program = (channel: number, number: number) => [0xc0 | (channel - 1), number];
export const bend = (channel: number, value: number) => [0xe0 | (channel - 1), value & 0x7f, value >> 7];

export interface Rig {
  service: MidiService;
  backend: FakeMidiBackend;
  params: ParamStore;
  events: EventBus;
  /** Every `midi` event's status, in order. */
  emitted: unknown[];
  logs: string[];
  dir: string;
  file: string;
  close(): Promise<void>;
}

/** A started MidiService over a fake backend with `devices` plugged in, no rescan timer, mappings in a temp dir. */
export async function rig(
  options: Partial<MidiOptions> & { devices?: string[]; mappings?: MidiMapping[] } = {},
): Promise<Rig> {
  const { devices = ['Pad'], mappings = [], ...rest } = options;
  const dir = await mkdtemp(join(tmpdir(), 'scope-midi-'));
  const file = join(dir, 'midi-mappings.json');
  const backend = rest.backend instanceof FakeMidiBackend ? rest.backend : new FakeMidiBackend();
  for (const d of devices) backend.plug(d);
  const params = new ParamStore();
  params.define(testSpecs());
  const events = new EventBus();
  const emitted: unknown[] = [];
  events.on((topic, data) => {
    if (topic === 'midi') emitted.push(data);
  });
  const logs: string[] = [];
  const service = new MidiService(
    { params, events, log: (m) => logs.push(m) },
    { backend, mappingsFile: file, rescanMs: 0, ...rest },
  );
  await service.start();
  if (mappings.length > 0) await service.replaceMappings(mappings);
  return {
    service,
    backend,
    params,
    events,
    emitted,
    logs,
    dir,
    file,
    close: async () => {
      await service.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A disk that can be made full: `write` fails as ENOSPC does while `full` is set, else writes atomically. */
export function switchableDisk(): { full: boolean; write: MidiOptions['write'] } {
  const disk = {
    full: false,
    write: async (path: string, text: string) => {
      if (disk.full) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      await writeFileAtomic(path, text);
    },
  };
  return disk;
}

/** The mappings a freshly started service reads from `file`: what a restart of the server would show. */
export async function mappingsAfterRestart(file: string): Promise<MidiMapping[]> {
  const params = new ParamStore();
  params.define(testSpecs());
  const service = new MidiService(
    { params, events: new EventBus(), log: () => {} },
    { backend: new FakeMidiBackend(), mappingsFile: file, rescanMs: 0 },
  );
  await service.start();
  const mappings = service.mappings();
  await service.stop();
  return mappings;
}
