/**
 * The show's parts held by the control services and the hubs: MIDI and DMX mappings, the outputs (on/off and
 * options) and the engine's input (source and fit). They see narrow facades, so this folder names no control/,
 * outputs/ or inputs/ module; src/show-file-setup.ts hands the real services in.
 */
import { describeIssues } from '../kernel/errors';
import type { ShowFile } from '../shared/show-file';
import type { MidiMapping } from '../shared/midi';
import type { DmxMapping, NewDmxMapping } from '../shared/dmx';
import type { InputSelection } from '../shared/inputs';
import type { OutputInfo } from '../shared/outputs';
import type { z } from 'zod';
import type { ShowPart } from './transaction';

export interface MidiFacade {
  mappings(): MidiMapping[];
  replaceMappings(list: MidiMapping[]): Promise<unknown>;
}

export interface DmxFacade {
  mappings(): DmxMapping[];
  replaceMappings(list: NewDmxMapping[]): Promise<unknown>;
  /** Throws a sentence when the list cannot be taken (two mappings on one channel, a text parameter). */
  checkMappings(list: NewDmxMapping[], show: ShowFile): void;
}

export interface OutputsFacade {
  list(): OutputInfo[];
  parseOptions(id: string, patch: unknown): z.ZodSafeParseResult<unknown>;
  setOptions(id: string, patch: Record<string, unknown>): Promise<void>;
  setEnabled(id: string, enabled: boolean): Promise<void>;
}

export interface InputFacade {
  selection(): InputSelection;
  /** Whether the source is here and can be chosen now. */
  usable(id: string): boolean;
  select(id: string | null): void;
  setFit(fit: InputSelection['fit']): void;
}

/** MIDI mappings; with MIDI off here (`--no-midi`, headless) the show's are left out, and said. */
export function midiPart(midi: MidiFacade | undefined): ShowPart {
  return {
    name: 'MIDI mappings',
    read: () => ({ midi: { mappings: midi?.mappings() ?? [] } }),
    check: (show) => {
      const n = show.midi.mappings.length;
      if (!midi)
        return { notes: n > 0 ? [`MIDI is off on this server; the show's ${n} MIDI mappings were left out`] : [] };
      const flat = show.midi.mappings.filter((m) => m.min !== null && m.min === m.max);
      return { problems: flat.map((m) => `MIDI mapping ${m.id}: min and max are both ${m.min}`) };
    },
    apply: async (show) => void (await midi?.replaceMappings(show.midi.mappings)),
  };
}

export function dmxPart(dmx: DmxFacade): ShowPart {
  return {
    name: 'DMX mappings',
    read: () => ({ dmx: { mappings: dmx.mappings() } }),
    check: (show) => {
      try {
        dmx.checkMappings(show.dmx.mappings, show);
        return {};
      } catch (err) {
        return { problems: [`DMX: ${(err as Error).message}`] };
      }
    },
    apply: async (show) => void (await dmx.replaceMappings(show.dmx.mappings)),
  };
}

/**
 * Options that belong to the machine, not the show: its network's addresses, and ICE servers whose TURN entries
 * carry credentials (a show file is handed around).
 */
const MACHINE_OPTIONS = new Set(['iceServers', 'hostCandidates']);

/** Query parameters that carry a credential in an endpoint URL (`?access_token=`, `?key=`, a signature). */
const SECRET_QUERY = /token|key|secret|pass|auth|sig/i;

/** Whether an option's value is a URL holding a credential: a user and password, or a token in its query. */
function carriesCredential(value: unknown): boolean {
  if (typeof value !== 'string' || !URL.canParse(value)) return false;
  const url = new URL(value);
  return url.username !== '' || url.password !== '' || [...url.searchParams.keys()].some((k) => SECRET_QUERY.test(k));
}

/**
 * The outputs: on or off, and their options. The recorder is not a setting but an act, so a show never starts a
 * recording; an output this server lacks, or cannot run, is left out and said.
 */
export function outputsPart(hub: OutputsFacade): ShowPart {
  const settable = () => hub.list().filter((o) => o.kind !== 'recording');
  const portable = (options: Record<string, unknown>) =>
    // A URL with a credential in it is the machine's too: left out, an import keeps the one set here.
    Object.fromEntries(Object.entries(options).filter(([k, v]) => !MACHINE_OPTIONS.has(k) && !carriesCredential(v)));
  return {
    name: 'outputs',
    read: () => ({ outputs: settable().map((o) => ({ id: o.id, enabled: o.enabled, options: portable(o.options) })) }),
    check: (show) => {
      const here = new Map(settable().map((o) => [o.id, o]));
      const problems: string[] = [];
      const notes: string[] = [];
      for (const o of show.outputs) {
        const mine = here.get(o.id);
        if (!mine) notes.push(`output ${o.id} is not on this server; left out`);
        else {
          const parsed = hub.parseOptions(o.id, o.options);
          if (!parsed.success) problems.push(`output ${o.id}: ${describeIssues(parsed.error)}`);
          if (o.enabled && !mine.available) notes.push(`output ${o.id} is unavailable here (${mine.reason}); left off`);
        }
      }
      return { problems, notes };
    },
    apply: async (show) => {
      const here = new Map(settable().map((o) => [o.id, o]));
      for (const o of show.outputs) {
        const mine = here.get(o.id);
        if (!mine) continue;
        const parsed = hub.parseOptions(o.id, o.options);
        const wanted = parsed.success ? (parsed.data as Record<string, unknown>) : {};
        // Only what differs: setting an option may restart a running output, a blip on stage for nothing.
        const patch = Object.fromEntries(
          Object.entries(wanted).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(mine.options[k])),
        );
        if (Object.keys(patch).length > 0) await hub.setOptions(o.id, patch);
        const enabled = o.enabled && mine.available;
        if (enabled !== mine.enabled) await hub.setEnabled(o.id, enabled);
      }
    },
  };
}

/** The engine's input and its fit; a source this server lacks leaves the input as it is, and is said. */
export function inputPart(input: InputFacade): ShowPart {
  return {
    name: 'input',
    read: () => ({ input: input.selection() }),
    check: (show) => {
      const id = show.input.source;
      return {
        notes: id !== null && !input.usable(id) ? [`input ${id} is not here (or unavailable); the input stays`] : [],
      };
    },
    apply: async (show) => {
      const id = show.input.source;
      if (id === null || input.usable(id)) input.select(id);
      input.setFit(show.input.fit);
    },
  };
}
