/**
 * What a show needs on disk, with hashes: the models of its pipeline (as their manifests pin them), LoRA files
 * (in the models folder's `loras/`) and the plugins that gave its pipelines. On import, each is looked for here;
 * what is not found is listed with the way to get it (a model this server has a manifest of can be downloaded).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { apiUrl, apiPaths } from '../shared/api-paths';
import { LORA_EXTENSION, LORA_NAME, NO_LORA, loraDir } from '../runtime/lora/lora-folder';
import type { ModelManager } from '../models';
import type { PluginReport } from '../shared/plugins';
import type { ShowFile, ShowMissing, ShowNeeds } from '../shared/show-file';
import type { PartCheck, ShowPart } from './transaction';

export interface NeedsDeps {
  models: Pick<ModelManager, 'list' | 'has' | 'modelStatus' | 'dir'>;
  plugins: readonly PluginReport[];
  /** The pipelines this server can load. */
  pipelines: () => string[];
  activePipeline: () => string | null;
}

/** A file's SHA-256, lower-case hex; null when it cannot be read. */
export async function sha256File(path: string): Promise<string | null> {
  try {
    const h = createHash('sha256');
    for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
    return h.digest('hex');
  } catch {
    return null;
  }
}

/** Where a LoRA named in a show is looked for: the LoRA folder, by name without the extension. */
export const loraPath = (modelsDir: string, name: string) => join(loraDir(modelsDir), `${name}${LORA_EXTENSION}`);

/** The LoRA parameters (`lora`, `lora2`, `lora3`; pipelines/shared/lora-params.ts): their values name files. */
const LORA_PARAM = /^lora[23]?$/;

/** The LoRAs a show's values name: the pipeline's, its presets' and its cues'. */
export function lorasNamed(show: Partial<ShowFile>): string[] {
  const values = [
    show.pipeline?.values ?? {},
    ...Object.values(show.presets ?? {}).flatMap((list) => list.map((p) => p.values)),
    ...(show.cues ?? []).map((c) => c.values),
  ];
  const names = values.flatMap((v) =>
    Object.entries(v).flatMap(([k, x]) =>
      LORA_PARAM.test(k) && typeof x === 'string' && x !== NO_LORA && LORA_NAME.test(x) ? [x] : [],
    ),
  );
  return [...new Set(names)].sort();
}

/** The LoRAs the show names that are on disk here, with their hashes (one not here has no hash to give). */
async function neededLoras(d: NeedsDeps, show: Partial<ShowFile>): Promise<ShowNeeds['loras']> {
  const found = await Promise.all(
    lorasNamed(show).map(async (name) => ({ name, sha256: await sha256File(loraPath(d.models.dir, name)) })),
  );
  return found.flatMap((l) => (l.sha256 === null ? [] : [{ name: l.name, sha256: l.sha256 }]));
}

/** The models of the active pipeline that are on disk (or, with none there, its default one). */
async function neededModels(d: NeedsDeps): Promise<ShowNeeds['models']> {
  const pipeline = d.activePipeline();
  const mine = d.models.list().filter((m) => m.pipeline === pipeline);
  const ready = [];
  for (const m of mine) if ((await d.models.modelStatus(m)).state === 'ready') ready.push(m);
  return (ready.length > 0 ? ready : mine.slice(0, 1)).map((m) => ({
    id: m.id,
    files: m.artifacts.map((a) => ({ repo: a.repo, revision: a.revision, file: a.file, sha256: a.sha256 ?? null })),
  }));
}

/** The plugin that gave the active pipeline (none for a built-in one), with its entry module's hash. */
async function neededPlugins(d: NeedsDeps): Promise<ShowNeeds['plugins']> {
  const active = d.activePipeline();
  const loaded = d.plugins.filter((p) => p.state === 'loaded' && active !== null && p.pipelines.includes(active));
  return Promise.all(
    loaded.map(async (p) => ({
      source: p.source,
      pipelines: p.pipelines,
      sha256: p.entry ? await sha256File(p.entry) : null,
    })),
  );
}

async function checkModels(d: NeedsDeps, models: ShowNeeds['models']): Promise<ShowMissing[]> {
  const missing: ShowMissing[] = [];
  for (const wanted of models) {
    const sha256 = wanted.files.find((f) => f.sha256)?.sha256 ?? null;
    if (!d.models.has(wanted.id)) {
      missing.push({ kind: 'model', name: wanted.id, sha256, reason: 'this server has no manifest of it' });
      continue;
    }
    const manifest = d.models.list().find((m) => m.id === wanted.id)!;
    const other = wanted.files.find((f) => {
      const here = manifest.artifacts.find((a) => a.repo === f.repo && a.file === f.file);
      return f.sha256 !== null && here?.sha256 !== undefined && here.sha256 !== f.sha256;
    });
    if (other) {
      const reason = `this server's manifest pins another ${other.file} than the show's (sha256 ${other.sha256})`;
      missing.push({ kind: 'model', name: wanted.id, sha256: other.sha256, reason });
      continue;
    }
    const status = await d.models.modelStatus(wanted.id);
    if (status.state === 'ready') continue;
    missing.push({
      kind: 'model',
      name: wanted.id,
      sha256,
      reason: status.state === 'downloading' ? 'downloading now' : 'not downloaded',
      download: {
        command: `daydream-scope download ${wanted.id}`,
        route: `POST ${apiUrl(apiPaths.modelsDownload)}`,
        body: { model: wanted.id },
      },
    });
  }
  return missing;
}

async function checkLoras(d: NeedsDeps, loras: ShowNeeds['loras']): Promise<ShowMissing[]> {
  const missing: ShowMissing[] = [];
  for (const l of loras) {
    const path = loraPath(d.models.dir, l.name);
    const sum = await sha256File(path);
    if (sum === l.sha256) continue;
    const install = 'copy it there or install it by URL (POST /api/v1/loras)';
    const reason =
      sum === null ? `not found at ${path}; ${install}` : `${path} is another file (its sha256 is ${sum}); ${install}`;
    missing.push({ kind: 'lora', name: l.name, sha256: l.sha256, reason });
  }
  return missing;
}

/** The show's plugins and pipeline: missing when their pipelines are not here; a differing plugin is a note. */
async function checkPipelines(d: NeedsDeps, show: ShowFile): Promise<PartCheck> {
  const here = new Set(d.pipelines());
  const missing: ShowMissing[] = [];
  const notes: string[] = [];
  for (const p of show.needs.plugins) {
    const absent = p.pipelines.filter((id) => !here.has(id));
    if (absent.length > 0) {
      const reason = `its pipelines ${absent.join(', ')} are not loaded here; start the server with --plugin ${p.source}`;
      missing.push({ kind: 'plugin', name: p.source, sha256: p.sha256, reason });
      continue;
    }
    const mine = d.plugins.find((r) => r.state === 'loaded' && p.pipelines.every((id) => r.pipelines.includes(id)));
    const sum = mine?.entry ? await sha256File(mine.entry) : null;
    if (p.sha256 !== null && sum !== null && sum !== p.sha256) {
      notes.push(`plugin ${p.source}: the one loaded here (${mine!.source}) is another version than the show's`);
    }
  }
  const id = show.pipeline?.id;
  if (id !== undefined && !here.has(id) && !show.needs.plugins.some((p) => p.pipelines.includes(id))) {
    missing.push({ kind: 'pipeline', name: id, sha256: null, reason: `no pipeline "${id}" here` });
  }
  return { missing, notes };
}

/** The part of a show that says what it needs; it applies nothing. Put it last: it reads the others' values. */
export function needsPart(d: NeedsDeps): ShowPart {
  return {
    name: 'needs',
    checkOnly: true,
    // Last of the parts: the LoRAs are read from the values the parts before it hold.
    read: async (sofar) => ({
      needs: { models: await neededModels(d), loras: await neededLoras(d, sofar), plugins: await neededPlugins(d) },
    }),
    check: async (show) => {
      const pipelines = await checkPipelines(d, show);
      const models = await checkModels(d, show.needs.models);
      const loras = await checkLoras(d, show.needs.loras);
      return { missing: [...(pipelines.missing ?? []), ...models, ...loras], notes: pipelines.notes ?? [] };
    },
    apply: async () => {},
  };
}
