/**
 * The show's parts that live in the core: the pipeline with its values, the tempo, presets, cues, the timeline and
 * the modulators. Each reads its share, checks a show against the pipeline the show will run (so a cue or a
 * modulator is judged by the parameters it will meet), and applies through the store that owns it and its file.
 */
import { ScopeError } from '../kernel/errors';
import { rejectedValues } from '../engine/preflight';
import { presetNameSchema } from '../presets/store';
import type { PipelineHost } from '../engine/host';
import type { PipelineRegistry } from '../engine/registry';
import type { ParamStore } from '../params/store';
import type { ParamSpec } from '../params/spec';
import type { PresetStore } from '../presets/store';
import type { PerformService } from '../perform';
import type { ShowFile } from '../shared/show-file';
import type { Modulator } from '../shared/perform';
import type { ShowPart } from './transaction';

export interface CoreDeps {
  host: PipelineHost;
  registry: PipelineRegistry;
  params: ParamStore;
  presets: PresetStore;
  perform: PerformService;
}

/** The values a show keeps of the running pipeline: its own, not triggers nor the perform controls. */
export function pipelineValues(params: ParamStore): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [path, value] of Object.entries(params.current())) {
    if (params.spec(path)?.kind !== 'trigger' && !params.isGlobal(path)) out[path] = value;
  }
  return out;
}

/** The parameter a path names once `show` runs: its pipeline's, a perform control, or one of its modulators'. */
export function specIn(d: CoreDeps, show: ShowFile): (path: string) => ParamSpec | 'modulator' | undefined {
  const def = show.pipeline ? d.registry.get(show.pipeline.id) : undefined;
  const specs = def ? d.host.specsOf(def) : d.params.all();
  const mods = new Set(show.modulators.flatMap((m) => [`${m.id}.depth`, `${m.id}.rate`]));
  return (path) =>
    Object.hasOwn(specs, path)
      ? specs[path]
      : mods.has(path)
        ? 'modulator'
        : d.params.isGlobal(path)
          ? d.params.spec(path)
          : undefined;
}

/** Names of `values` the show's pipeline lacks, as a note (such values are kept, and skipped when applied). */
function unknownNames(what: string, values: Record<string, unknown>, spec: ReturnType<typeof specIn>): string[] {
  const unknown = Object.keys(values).filter((k) => spec(k) === undefined);
  return unknown.length === 0 ? [] : [`${what} names parameters the show's pipeline lacks (${unknown.join(', ')})`];
}

export function pipelinePart(d: CoreDeps): ShowPart {
  return {
    name: 'pipeline',
    read: () => {
      const id = d.host.activeId ?? null;
      return { pipeline: id === null ? null : { id, values: pipelineValues(d.params) } };
    },
    check: (show) => {
      if (!show.pipeline) return { notes: ['the show names no pipeline; the one running stays'] };
      const def = d.registry.get(show.pipeline.id);
      // A pipeline that is not here is reported by the needs part, with the plugin that gives it.
      if (!def) return {};
      const { errors, more } = rejectedValues(def.id, d.host.specsOf(def), show.pipeline.values);
      const problems = [...errors].map(([name, why]) => `${def.id}.${name}: ${why}`);
      if (more > 0) problems.push(`and ${more} more values of ${def.id}`);
      return { problems };
    },
    apply: async (show) => {
      if (!show.pipeline) return;
      const { id, values } = show.pipeline;
      const def = d.registry.get(id)!;
      const specs = d.host.specsOf(def);
      const current = d.params.current();
      const reloads = Object.entries(specs).some(
        ([name, s]) => s.mode === 'load' && name in values && values[name] !== current[name],
      );
      if (d.host.activeId === id && !reloads) {
        const result = d.params.setMany(values, 'show');
        if (!result.ok) throw new ScopeError('invalid_parameters', `the values of ${id} were refused`, result.errors);
        return;
      }
      await d.host.load(id, values);
      await d.host.settled();
      if (d.host.activeId !== id) {
        const why = d.host.status().lastLoadError?.message ?? d.host.status().reason;
        throw new ScopeError('load_failed', `${id} did not load: ${why}`);
      }
    },
  };
}

export function tempoPart(d: CoreDeps): ShowPart {
  return {
    name: 'tempo',
    read: () => ({ tempo: { bpm: d.perform.perform.tempo.bpm } }),
    check: () => ({}),
    apply: async (show) => void d.perform.perform.setBpm(show.tempo.bpm, 'internal'),
  };
}

export function presetsPart(d: CoreDeps): ShowPart {
  return {
    name: 'presets',
    read: () => ({ presets: d.presets.everything() }),
    check: (show) => {
      const problems: string[] = [];
      for (const [id, list] of Object.entries(show.presets)) {
        const seen = new Set<string>();
        for (const p of list) {
          const named = presetNameSchema.safeParse(p.name);
          if (!named.success) problems.push(`preset "${p.name}" of ${id}: ${named.error.issues[0]?.message}`);
          if (seen.has(p.name)) problems.push(`${id} has two presets named "${p.name}"`);
          seen.add(p.name);
        }
      }
      return { problems };
    },
    apply: (show) => d.presets.replaceAll(show.presets),
  };
}

export function cuesPart(d: CoreDeps): ShowPart {
  return {
    name: 'cues',
    read: () => ({ cues: d.perform.perform.cues.all() }),
    check: (show) => {
      const spec = specIn(d, show);
      if (new Set(show.cues.map((c) => c.name)).size !== show.cues.length) {
        return { problems: ['two cues have one name'] };
      }
      return { notes: show.cues.flatMap((c) => unknownNames(`cue "${c.name}"`, c.values, spec)) };
    },
    apply: async (show) => void (await d.perform.replaceCues(show.cues)),
  };
}

export function timelinePart(d: CoreDeps): ShowPart {
  return {
    name: 'timeline',
    read: () => ({ timeline: d.perform.perform.timeline.get() }),
    check: (show) => {
      const spec = specIn(d, show);
      return {
        notes: show.timeline.entries.flatMap((e, i) => unknownNames(`timeline entry ${i + 1}`, e.values ?? {}, spec)),
      };
    },
    apply: async (show) => void (await d.perform.setTimeline(show.timeline)),
  };
}

export function modulatorsPart(d: CoreDeps): ShowPart {
  const setList = async (list: Modulator[]) => {
    const keep = new Set(list.map((m) => m.id));
    for (const m of d.perform.modulatorList()) if (!keep.has(m.id)) await d.perform.deleteModulator(m.id);
    for (const m of list) await d.perform.putModulator(m);
  };
  return {
    name: 'modulators',
    read: () => ({ modulators: d.perform.modulatorList() }),
    check: (show) => {
      const spec = specIn(d, show);
      const problems: string[] = [];
      if (new Set(show.modulators.map((m) => m.id)).size !== show.modulators.length) {
        problems.push('two modulators have one id');
      }
      for (const m of show.modulators) {
        const own = spec(m.id);
        if (own !== undefined && own !== 'modulator') problems.push(`modulator "${m.id}" is named like a parameter`);
        for (const t of m.targets) {
          const s = spec(t);
          if (s === 'modulator' || (s && d.params.isGlobal(t)))
            problems.push(`modulator "${m.id}" targets ${t}, a perform control`);
          else if (s && s.kind !== 'number' && s.kind !== 'int')
            problems.push(`modulator "${m.id}" targets ${t}, a ${s.kind}`);
        }
      }
      return { problems };
    },
    // One file write per modulator: when one fails, the list goes back as it was before this part began.
    apply: async (show) => {
      const before = d.perform.modulatorList();
      try {
        await setList(show.modulators);
      } catch (err) {
        await setList(before).catch(() => {});
        throw err;
      }
    },
  };
}

/** The core's parts in the order they apply: the pipeline first, so the rest meet its parameters. */
export const coreParts = (d: CoreDeps): ShowPart[] => [
  pipelinePart(d),
  tempoPart(d),
  presetsPart(d),
  cuesPart(d),
  timelinePart(d),
  modulatorsPart(d),
];
