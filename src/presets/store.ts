/**
 * Presets: named snapshots of a pipeline's parameter values, kept in `<configDir>/presets.json`. Recalling one
 * applies all its values at once through the ParamStore (source `preset`), so every surface hears the change.
 */
import { z } from 'zod';
import { nameSchema } from '../shared/names';
import { readSettingsFile } from '../files';
import { SettingsWriter, settingsText } from '../settings-writer';
import { presetSchema as presetShape } from '../shared/presets';
import { sanitize } from '../params/spec';
import type { ParamValue } from '../shared/api';
import type { Preset, PresetList } from '../shared/presets';
import type { ParamStore, SetOptions } from '../params/store';
import type { EventBus } from '../kernel/events';
import type { WriteFile } from '../settings-writer';

/** Names travel in URLs, OSC strings and the settings file: the one name rule (src/shared/names.ts). */
export const presetNameSchema = nameSchema('preset', 64);

/** A preset as kept in the file: the shape the API answers, with the name's rules checked on reading. */
const presetSchema = presetShape.extend({ name: presetNameSchema });
export type { Preset, PresetList };

/** The file: presets by pipeline id, each list in recall order (the order they were first saved). */
const fileSchema = z.object({
  version: z.literal(1),
  pipelines: z.record(z.string(), z.array(presetSchema)),
});
type PresetFile = z.infer<typeof fileSchema>;

export type RecallResult =
  | { ok: true; pipeline: string; name: string; values: Record<string, ParamValue>; skipped: string[] }
  | { ok: false; reason: 'no_pipeline' | 'not_found'; message: string }
  | { ok: false; reason: 'invalid'; message: string; errors: Record<string, string> };

export type SaveResult = { ok: true; preset: Preset } | { ok: false; message: string; errors?: Record<string, string> };

export interface PresetStoreOptions {
  /** The JSON file, normally `join(configDir(), 'presets.json')`. */
  path: string;
  params: ParamStore;
  /** The active pipeline's id (null when none is loaded). */
  activePipeline: () => string | null;
  events?: EventBus;
  log?: (message: string) => void;
  now?: () => Date;
  /** Writes the file (writeFileAtomic); tests put a full disk here. */
  write?: WriteFile;
}

export class PresetStore {
  private data: PresetFile = { version: 1, pipelines: {} };
  private readonly file: SettingsWriter;
  private readonly log: (m: string) => void;
  private readonly now: () => Date;

  constructor(private readonly o: PresetStoreOptions) {
    this.log = o.log ?? (() => {});
    this.now = o.now ?? (() => new Date());
    this.file = new SettingsWriter({
      path: o.path,
      what: 'the presets',
      log: this.log,
      ...(o.write && { write: o.write }),
    });
  }

  /**
   * Reads the file. A missing file is an empty store; a damaged one is set aside as `presets.json.bad` with a
   * sentence in the log, so saving new presets never silently destroys the old ones.
   */
  async load(): Promise<void> {
    const data = await readSettingsFile(this.o.path, fileSchema, 'Presets', this.log);
    if (data) this.data = data;
  }

  /** The presets of `pipeline` (the active one by default), in recall order. */
  list(pipeline: string | null = this.o.activePipeline()): PresetList {
    return { pipeline, presets: pipeline ? [...(this.data.pipelines[pipeline] ?? [])] : [] };
  }

  /**
   * Saves the active pipeline's current values as `name` (or `values`, checked against its parameters); an
   * existing preset of that name is replaced in place, keeping its number. A write that fails throws `save_failed`
   * (507) and changes nothing, in memory as on disk.
   */
  async save(name: string, values?: Record<string, unknown>): Promise<SaveResult> {
    const pipeline = this.o.activePipeline();
    if (!pipeline) return { ok: false, message: 'no pipeline is loaded, so there are no values to save' };
    const checked = values === undefined ? { ok: true as const, values: this.currentValues() } : this.check(values);
    if (!checked.ok) return { ok: false, message: 'some values were rejected', errors: checked.errors };
    const preset: Preset = { name, values: checked.values, savedAt: this.now().toISOString() };
    const list = [...(this.data.pipelines[pipeline] ?? [])];
    const at = list.findIndex((p) => p.name === name);
    if (at >= 0) list[at] = preset;
    else list.push(preset);
    await this.commit(pipeline, list);
    return { ok: true, preset };
  }

  /** Deletes a preset of the active pipeline; false when there was none of that name. */
  async delete(name: string): Promise<boolean> {
    const pipeline = this.o.activePipeline();
    const list = pipeline ? (this.data.pipelines[pipeline] ?? []) : [];
    if (!pipeline || !list.some((p) => p.name === name)) return false;
    await this.commit(
      pipeline,
      list.filter((p) => p.name !== name),
    );
    return true;
  }

  /**
   * Applies a preset of the active pipeline, by name or by 0-based position (a MIDI program number, a number
   * key). All values or none; names the pipeline no longer has are skipped and reported.
   */
  recall(nameOrIndex: string | number, options: SetOptions = {}): RecallResult {
    const pipeline = this.o.activePipeline();
    if (!pipeline) return { ok: false, reason: 'no_pipeline', message: 'no pipeline is loaded' };
    const list = this.data.pipelines[pipeline] ?? [];
    const preset = typeof nameOrIndex === 'number' ? list[nameOrIndex] : list.find((p) => p.name === nameOrIndex);
    if (!preset) {
      const which = typeof nameOrIndex === 'number' ? `number ${nameOrIndex + 1}` : `"${nameOrIndex}"`;
      return { ok: false, reason: 'not_found', message: `${pipeline} has no preset ${which}` };
    }
    const patch: Record<string, ParamValue> = {};
    const skipped: string[] = [];
    for (const [path, value] of Object.entries(preset.values)) {
      const spec = this.o.params.spec(path);
      // Perform controls (the crossfader, modulator depths) belong to the show, not to a pipeline's preset.
      if (!spec || spec.kind === 'trigger' || this.o.params.isGlobal(path)) skipped.push(path);
      else patch[path] = value;
    }
    const result = this.o.params.setMany(patch, 'preset', options);
    if (!result.ok) {
      return {
        ok: false,
        reason: 'invalid',
        message: `preset "${preset.name}" was not applied`,
        errors: result.errors,
      };
    }
    return { ok: true, pipeline, name: preset.name, values: result.values, skipped };
  }

  /** The values of a preset of the active pipeline (the crossfader's A and B). */
  values(name: string): Record<string, ParamValue> | undefined {
    const pipeline = this.o.activePipeline();
    return pipeline ? this.data.pipelines[pipeline]?.find((p) => p.name === name)?.values : undefined;
  }

  /** Every pipeline's presets (a show file holds them all). */
  everything(): Record<string, Preset[]> {
    return structuredClone(this.data.pipelines);
  }

  /** Replaces every pipeline's presets (a show import, which checked the names); a failed write changes nothing. */
  async replaceAll(pipelines: Record<string, Preset[]>): Promise<void> {
    const before = this.data;
    this.data = { version: 1, pipelines: structuredClone(pipelines) };
    // The panel shows the active pipeline's list: that is the one to announce (another's would replace it there).
    const announce = () => this.o.events?.emit('presets', this.list());
    announce();
    await this.file.save(settingsText(this.data), () => {
      this.data = before;
      announce();
    });
  }

  /** Resolves once every save so far is on disk. */
  flush(): Promise<void> {
    return this.file.flush();
  }

  private currentValues(): Record<string, ParamValue> {
    const values: Record<string, ParamValue> = {};
    for (const [path, value] of Object.entries(this.o.params.current())) {
      // A trigger has no state worth keeping.
      if (this.o.params.spec(path)?.kind !== 'trigger' && !this.o.params.isGlobal(path)) values[path] = value;
    }
    return values;
  }

  private check(
    values: Record<string, unknown>,
  ): { ok: true; values: Record<string, ParamValue> } | { ok: false; errors: Record<string, string> } {
    const out = new Map<string, ParamValue>();
    const errors = new Map<string, string>();
    for (const [path, value] of Object.entries(values)) {
      const spec = this.o.params.spec(path);
      const r = spec ? sanitize(spec, value) : { ok: false as const, reason: `unknown parameter "${path}"` };
      if (r.ok) out.set(path, r.value);
      else errors.set(path, r.reason);
    }
    return errors.size > 0
      ? { ok: false, errors: Object.fromEntries(errors) }
      : { ok: true, values: Object.fromEntries(out) };
  }

  /**
   * Replaces one pipeline's list, writes the file (one write at a time, in order) and tells the panel. When the
   * write fails, the presets go back to what the file still holds, so memory and file agree (a restart shows the
   * same presets), and the caller gets a sentence.
   */
  private async commit(pipeline: string, list: Preset[]): Promise<void> {
    const before = this.data;
    this.data = { ...this.data, pipelines: { ...this.data.pipelines, [pipeline]: list } };
    this.o.events?.emit('presets', this.list(pipeline));
    await this.file.save(settingsText(this.data), () => {
      const changed = this.data.pipelines;
      this.data = before;
      // Every list the undone changes touched is announced again (queued changes may have touched several).
      for (const id of new Set([...Object.keys(changed), ...Object.keys(before.pipelines)])) {
        if (changed[id] !== before.pipelines[id]) this.o.events?.emit('presets', this.list(id));
      }
    });
  }
}
