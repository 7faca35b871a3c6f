/**
 * Preflight: what is checked before a load touches the running pipeline. A pipeline may say which files it needs
 * for the chosen parameters (`PipelineDefinition.preflight`); the host then runs a list of checks over the request
 * (parameters valid, files present, files complete), and the first refusal is the answer: a sentence and, where
 * there is one, the command that fixes it. The memory budget is asked first, synchronously (host.checkLoad).
 * Further checks (the op-set check of each ONNX file for the chosen provider) are one more entry in the list. A
 * check may also say something without refusing (nodes that will run on the CPU provider): a note, which the
 * caller keeps with the load.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { ScopeError, invalidParameters } from '../kernel/errors';
import { NAMED_REJECTIONS } from '../params/store';
import { clip } from '../shared/clip';
import { sanitize } from '../params/spec';
import { operatorsCheck } from './operators-check';
import type { ParamSpecs } from '../params/spec';
import type { ParamSnapshot, PipelineDefinition } from './pipeline';

/** One file a load will open. */
export interface RequiredFile {
  path: string;
  /** What it is, in words ("UNet", "DiT weights"). */
  role: string;
  /** Exact size in bytes, when the manifest knows it. */
  size?: number;
  /** SHA-256, lower-case hex, when the manifest knows it. */
  sha256?: string;
}

/** What a load of a pipeline needs, as its `preflight` says. */
export interface PreflightNeeds {
  files: RequiredFile[];
  /** The sentence for files that are missing, and the command that gets them. */
  missing?: (files: RequiredFile[]) => { message: string; fix?: string };
}

/** What a pipeline's `preflight` sees. */
export interface PreflightContext {
  /** The execution provider its sessions would run on ('cpu', 'cuda', 'webgpu', ...). */
  executionProvider: string;
}

/** A load refused before anything changed. */
export interface PreflightRefusal {
  pipelineId: string;
  /** The check that refused it. */
  check: string;
  message: string;
  /** The command (or step) that fixes it, when there is one. */
  fix: string | null;
  /** Per parameter, when parameters were rejected. */
  fields?: Record<string, string>;
}

export interface PreflightRequest {
  def: PipelineDefinition;
  specs: ParamSpecs;
  /** The values asked for (checked against the specs). */
  values: Record<string, unknown>;
  /** Every value the load would start with (defaults, kept values, the values asked for). */
  params: ParamSnapshot;
  ctx: PreflightContext;
  /** What the pipeline said it needs; undefined when it has no preflight. */
  needs: PreflightNeeds | undefined;
  /** Whether to hash files whose SHA-256 is known (slow the first time; listings leave it out). */
  hash: boolean;
  /** Told each note a check has that does not refuse the load (operators-check.ts: CPU fallbacks); left out: dropped. */
  note?: (sentence: string) => void;
}

export type PreflightOutcome = Omit<PreflightRefusal, 'pipelineId' | 'check'> | undefined;

/** One entry of the preflight: its name and what it finds wrong, if anything. */
export interface PreflightCheck {
  name: string;
  run(request: PreflightRequest): Promise<PreflightOutcome> | PreflightOutcome;
}

/**
 * Values the specs reject, by name ("__proto__" is reported, not swallowed); past the first few only counted, so a
 * load of 95,000 unknown keys costs about what parsing it did (see NAMED_REJECTIONS).
 */
export function rejectedValues(
  id: string,
  specs: ParamSpecs,
  values: Record<string, unknown>,
): { errors: Map<string, string>; more: number } {
  const errors = new Map<string, string>();
  let more = 0;
  for (const [name, value] of Object.entries(values)) {
    const spec = Object.hasOwn(specs, name) ? specs[name] : undefined;
    const checked = spec && value !== undefined ? sanitize(spec, value) : undefined;
    if (checked?.ok) continue;
    if (errors.size >= NAMED_REJECTIONS) more++;
    else if (!spec) errors.set(name, `unknown parameter "${clip(name, 64)}" for pipeline "${id}"`);
    else errors.set(name, checked ? checked.reason : `no value given for "${name}"`);
  }
  return { errors, more };
}

export const parametersCheck: PreflightCheck = {
  name: 'parameters',
  run: ({ def, specs, values }) => {
    const { errors, more } = rejectedValues(def.id, specs, values);
    if (errors.size === 0) return undefined;
    const { message, fields } = invalidParameters(Object.fromEntries(errors), more);
    return { message, fix: null, fields: fields ?? {} };
  },
};

export const filesPresentCheck: PreflightCheck = {
  name: 'files present',
  run: async ({ def, needs }) => {
    if (!needs) return undefined;
    const missing: RequiredFile[] = [];
    for (const f of needs.files) if ((await sizeOf(f.path)) === null) missing.push(f);
    if (missing.length === 0) return undefined;
    const said = needs.missing?.(missing);
    if (said) return { message: said.message, fix: said.fix ?? null };
    const names = missing.map((f) => `${f.role} (${f.path})`).join(', ');
    return { message: `${def.id} cannot load: missing ${names}`, fix: null };
  },
};

export const filesCompleteCheck: PreflightCheck = {
  name: 'files complete',
  run: async ({ def, needs, hash }) => {
    for (const f of needs?.files ?? []) {
      const size = await sizeOf(f.path);
      if (size !== null && f.size !== undefined && size !== f.size) {
        return {
          message:
            `${def.id} cannot load: ${f.role} ${f.path} is ${size} bytes where ${f.size} were expected ` +
            `(a download cut short, or another file of the same name)`,
          fix: fixFor(needs, f),
        };
      }
      if (!hash || !f.sha256 || size === null) continue;
      const sum = await sha256Of(f.path);
      if (sum !== f.sha256.toLowerCase()) {
        return {
          message: `${def.id} cannot load: ${f.role} ${f.path} has SHA-256 ${sum}, not the expected ${f.sha256}`,
          fix: fixFor(needs, f),
        };
      }
    }
    return undefined;
  },
};

/** The checks every load goes through, in order; the host may add more after them. */
export const defaultChecks: readonly PreflightCheck[] = [
  parametersCheck,
  filesPresentCheck,
  filesCompleteCheck,
  operatorsCheck,
];

/** Runs `checks` in order; the first refusal, or undefined when the load may go ahead. */
export async function runPreflight(
  checks: readonly PreflightCheck[],
  request: PreflightRequest,
): Promise<PreflightRefusal | undefined> {
  for (const check of checks) {
    const found = await check.run(request);
    if (found) return { pipelineId: request.def.id, check: check.name, ...found };
  }
  return undefined;
}

/**
 * The whole preflight of one request: the parameters first (the pipeline's preflight is asked with valid values
 * only), then what the pipeline needs, then the file checks and `extra` ones. The first refusal, or undefined.
 */
export async function preflight(
  request: Omit<PreflightRequest, 'needs' | 'params'> & { base: Record<string, unknown> },
  extra: readonly PreflightCheck[] = [],
): Promise<PreflightRefusal | undefined> {
  const { def, specs, values, base } = request;
  const first = { ...request, params: base as ParamSnapshot, needs: undefined };
  const bad = await runPreflight([parametersCheck], first);
  if (bad) return bad;
  const sane: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) sane[k] = (sanitize(specs[k]!, v) as { value: unknown }).value;
  const params = { ...base, ...sane } as ParamSnapshot;
  const needs = await needsOf(def, request.ctx, params);
  if (needs && 'check' in needs) return needs;
  const rest = defaultChecks.filter((c) => c !== parametersCheck);
  return runPreflight([...rest, ...extra], { ...request, params, needs });
}

/** The pipeline's needs; a preflight that throws is a refusal with its sentence. */
async function needsOf(
  def: PipelineDefinition,
  ctx: PreflightContext,
  params: ParamSnapshot,
): Promise<PreflightNeeds | PreflightRefusal | undefined> {
  if (!def.preflight) return undefined;
  try {
    return await def.preflight(ctx, params);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { pipelineId: def.id, check: 'pipeline', message, fix: null };
  }
}

/** The fix for a damaged file: what getting it again takes (the missing-files command). */
function fixFor(needs: PreflightNeeds | undefined, f: RequiredFile): string | null {
  return needs?.missing?.([f]).fix ?? null;
}

async function sizeOf(path: string): Promise<number | null> {
  return stat(path).then(
    (s) => (s.isFile() ? s.size : null),
    () => null,
  );
}

// Hashing a multi-gigabyte file takes seconds: a file unchanged since (same size and modification time) is not
// hashed again.
const hashes = new Map<string, { size: number; mtimeMs: number; sum: string }>();

async function sha256Of(path: string): Promise<string> {
  const s = await stat(path);
  const known = hashes.get(path);
  if (known && known.size === s.size && known.mtimeMs === s.mtimeMs) return known.sum;
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  const sum = h.digest('hex');
  hashes.set(path, { size: s.size, mtimeMs: s.mtimeMs, sum });
  return sum;
}

/** A preflight refusal as the one domain error: rejected values keep their code and their reasons per name. */
export function refusalError(r: PreflightRefusal): ScopeError {
  if (r.check === 'parameters') return new ScopeError('invalid_parameters', r.message, r.fields);
  if (r.check === 'memory budget') return new ScopeError('memory_budget', r.message);
  return new ScopeError('load_refused', r.message);
}
