/**
 * The op-set check: every (domain, op type, opset) a graph holds, counted, and the fate of each on the chosen
 * provider — runs there, lowered into plain operators it runs, falls back to the CPU provider (runs, but copies
 * every frame), not checked (no table for that provider and domain), or refused (no kernel anywhere and no
 * lowering). A pure function of the graph and the tables; `checkModelFile` reads the nodes of the graph file only,
 * skipping its weights (inside the file or beside it).
 */
import { hasKernel, normalDomain } from './kernel-table';
import { castNote, castToFloat, gapNote, typeGap, typedInput } from './type-gaps';
import type { Typed } from './type-gaps';
import { loweringFor, minLoweringOpset } from './lowerings';
import { formOf, formRejected } from './node-forms';
import { readGraphSkeleton } from './graph-skeleton';
import { allNodes, opsetOf } from './onnx-model';
import { elemTypes } from './elem-types';
import type { Model } from './onnx-model';
import { checkProviders, providerOps } from './provider-ops';
import type { CheckProvider, ProviderOps } from './provider-ops';
import { widenable } from './widen-float16';

export type Fate = 'runs' | 'lowered' | 'cpu-fallback' | 'unchecked' | 'refused';

export interface OpEntry {
  /** '' for ai.onnx. */
  domain: string;
  op: string;
  /** A form of the op some kernels refuse at run time ('packed QKV'), or '' (node-forms.ts). */
  form: string;
  /** The model's import version for the domain. */
  opset: number;
  count: number;
  /** The element type of the op's main input (input 0; Where's input 1) in these nodes, where the file tells it. */
  types: string[];
  fate: Fate;
  /** For a lowering, what it becomes; for a refusal or a fallback, why. */
  detail: string;
  /**
   * The element types that decided the fate: with `refused`, taken by no kernel the node could be given; with
   * `cpu-fallback`, those the provider has the op for but not at (the CPU provider has).
   */
  wrongTypes?: string[];
  /** The CPU provider has the op in float32, not float16: the node is computed in float32 (widen-float16.ts). */
  inFloat32?: boolean;
}

export interface OpsetReport {
  file: string | undefined;
  provider: CheckProvider;
  source: string;
  lowering: boolean;
  /** The model's ai.onnx opset, which decides whether the lowerings apply. */
  onnxOpset: number;
  ops: OpEntry[];
  /** False when any operator is refused: a session would fail to be created. */
  runs: boolean;
  /** A float16 graph the CPU provider gets widened to float32 at load (widen-float16.ts). */
  widensToFloat32: boolean;
}

export interface CheckOptions {
  /** Rewrite contrib operators the provider lacks (default on); off, they are refused. */
  lowering: boolean;
  file: string | undefined;
}

type Counted = { domain: string; op: string; form: string; opset: number; count: number; types: string[] };

/** ONNX element type numbers by the names onnxruntime gives them (onnx.proto's TensorProto.DataType). */
const typeName: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  16: 'bfloat16',
  17: 'float8e4m3fn',
  22: 'int4',
};

/**
 * Every (domain, op, form, opset, type) in the graph and its subgraphs, with how often it occurs: an op met at two
 * element types is two entries, so a fallback at one type counts only the nodes at that type.
 */
export function inventory(model: Model): Counted[] {
  const counts = new Map<string, Counted>();
  // Types of the top-level graph's values (a subgraph node's input type stays unknown, and is not checked).
  const types = elemTypes(model.graph!);
  for (const node of allNodes(model.graph!)) {
    const domain = normalDomain(node.domain);
    const op = node.opType ?? '';
    const form = formOf(node);
    const t = typeName[types.get(node.input?.[typedInput(op)] ?? '') ?? 0];
    const key = `${domain}\u0000${op}\u0000${form}\u0000${t ?? ''}`;
    const entry = counts.get(key) ?? { domain, op, form, opset: opsetOf(model, domain), count: 0, types: t ? [t] : [] };
    entry.count++;
    counts.set(key, entry);
  }
  return [...counts.values()].sort(
    (a, b) =>
      a.domain.localeCompare(b.domain) ||
      a.op.localeCompare(b.op) ||
      a.form.localeCompare(b.form) ||
      (a.types[0] ?? '').localeCompare(b.types[0] ?? ''),
  );
}

export function checkModel(model: Model, provider: CheckProvider, options: Partial<CheckOptions> = {}): OpsetReport {
  const lowering = options.lowering ?? true;
  const table = providerOps(provider);
  const cpu = providerOps('cpu');
  const onnxOpset = opsetOf(model, '');
  const ops = inventory(model).map((e): OpEntry => ({ ...e, ...fateOf(e, table, cpu, lowering, onnxOpset) }));
  return {
    file: options.file,
    provider,
    source: table.source,
    lowering,
    onnxOpset,
    ops,
    runs: !ops.some((o) => o.fate === 'refused'),
    widensToFloat32: provider === 'cpu' && lowering && ops.some((o) => o.inFloat32) && widenable(model.graph ?? {}),
  };
}

export async function checkModelFile(
  path: string,
  provider: CheckProvider,
  options: Partial<CheckOptions> = {},
): Promise<OpsetReport> {
  return checkModel(await readGraphSkeleton(path), provider, { ...options, file: path });
}

/**
 * Nodes no provider ever runs: onnxruntime's basic graph optimizations drop Identity and Dropout at session
 * creation, and its graph loader turns every Constant node into an initializer (no kernel is registered for it,
 * yet every torch.onnx.export graph holds some).
 */
const removedBeforePlacement = new Set(['Identity', 'Dropout', 'Constant']);

const covers = (t: ProviderOps, domain: string) => t.covers.includes(domain);
const opName = (domain: string, op: string, form = '') =>
  `${domain ? `${domain}.${op}` : op}${form ? ` (${form})` : ''}`;

/** Whether `t` runs the op in this form: a kernel, which does not refuse the form. */
const runsOn = (t: ProviderOps, domain: string, op: string, form: string, opset: number) =>
  hasKernel(t.kernels, domain, op, opset) && !formRejected(t.provider, domain, op, form);

function fateOf(
  e: Typed,
  table: ProviderOps,
  cpu: ProviderOps,
  lowering: boolean,
  onnxOpset: number,
): { fate: Fate; detail: string; wrongTypes?: string[]; inFloat32?: boolean } {
  const { domain, op, form, opset } = e;
  if (domain === '' && removedBeforePlacement.has(op)) {
    return {
      fate: 'runs',
      detail:
        op === 'Constant'
          ? 'made an initializer when onnxruntime loads the graph'
          : "removed by onnxruntime's graph optimizer before placement",
    };
  }
  const gap = covers(table, domain) ? typeGap(table, e) : undefined;
  const typeNote = gap ? gapNote(table.provider, op, gap) : '';
  if (covers(table, domain) && runsOn(table, domain, op, form, opset)) {
    if (!gap) return { fate: 'runs', detail: '' };
    if (table.provider === 'cpu' && castToFloat(gap)) {
      return { fate: 'runs', detail: `${typeNote}: ${castNote}`, inFloat32: true };
    }
  }
  const beside = table.alongside ? providerOps(table.alongside) : undefined;
  if (beside && covers(beside, domain) && runsOn(beside, domain, op, form, opset) && !typeGap(beside, e)) {
    return { fate: 'runs', detail: `on ${beside.provider}, beside ${table.provider} in the same session` };
  }
  const l = loweringFor(domain, op, form);
  if (l && lowering && onnxOpset >= minLoweringOpset) {
    const missing = covers(table, '') ? l.into.filter((o) => !hasKernel(table.kernels, '', o, onnxOpset)) : [];
    const gone = covers(table, l.domain) ? l.keeps.filter((o) => !hasKernel(table.kernels, l.domain, o, 1)) : [];
    if (missing.length === 0 && gone.length === 0) {
      return { fate: 'lowered', detail: `lowered to ${[...l.into, ...l.keeps].join(' + ')}` };
    }
  }
  const why =
    l && !lowering
      ? ' (lowering is off)'
      : l && onnxOpset < minLoweringOpset
        ? ` (ai.onnx opset ${onnxOpset} < ${minLoweringOpset}: not lowered)`
        : '';
  // A domain no onnxruntime build registers kernels in (a custom op library's) cannot run anywhere here.
  if (!covers(table, domain)) {
    if (covers(cpu, domain)) {
      return { fate: 'unchecked', detail: `no ${table.provider} table for the ${domain || 'ai.onnx'} domain${why}` };
    }
  } else if (table.cpuFallback && runsOn(cpu, domain, op, form, opset)) {
    const lacks = typeNote || `no ${table.provider} kernel`;
    const cpuGap = typeGap(cpu, e);
    const fellBack = gap ? { wrongTypes: gap.wrong } : {};
    if (!cpuGap) return { fate: 'cpu-fallback', detail: `${lacks}: runs on the CPU provider${why}`, ...fellBack };
    if (castToFloat(cpuGap)) {
      return { fate: 'cpu-fallback', detail: `${lacks}: runs on the CPU provider, in float32${why}`, ...fellBack };
    }
    const wrongTypes = gap ? cpuGap.wrong.filter((x) => gap.wrong.includes(x)) : cpuGap.wrong;
    return { fate: 'refused', detail: `${lacks}, and ${gapNote('the CPU provider', op, cpuGap)}${why}`, wrongTypes };
  }
  if (typeNote) {
    const detail = table.cpuFallback ? `${typeNote}, and no CPU kernel${why}` : `${typeNote}${why}`;
    return { fate: 'refused', detail, wrongTypes: gap!.wrong };
  }
  const what = form ? `its kernel refuses the ${form} form` : 'no kernel';
  return { fate: 'refused', detail: `${what} on ${table.provider}${table.cpuFallback ? ' or the CPU' : ''}${why}` };
}

/** The providers whose tables run every one of `ops` (directly or lowered), to suggest as another device. */
function providersRunning(ops: readonly OpEntry[], lowering: boolean, onnxOpset: number): CheckProvider[] {
  return checkProviders.filter((p) => {
    const t = providerOps(p);
    if (t.covers.length === 0) return false;
    // A type refusal moves only to a provider whose table states types (the others were not checked for them).
    if (t.types.size === 0 && ops.some((o) => o.wrongTypes?.length)) return false;
    return ops.every((o) => {
      const f = fateOf(o, t, providerOps('cpu'), lowering, onnxOpset).fate;
      return f === 'runs' || f === 'lowered';
    });
  });
}

/**
 * One sentence for a file that cannot run, naming the operators and what to do; null when it runs. Operators that
 * fall back to the CPU are named too, as a warning, when nothing is refused.
 */
export function refusalSentence(report: OpsetReport): string | null {
  const refused = report.ops.filter((o) => o.fate === 'refused');
  if (refused.length === 0) return null;
  const typed = refused.filter((o) => o.wrongTypes?.length);
  const kernelless = refused.filter((o) => !o.wrongTypes?.length);
  const count = (o: OpEntry) => `${opName(o.domain, o.op, o.form)} (×${o.count})`;
  const typeWords = [...new Set(typed.flatMap((o) => o.wrongTypes!))];
  const parts = [
    kernelless.length
      ? `${kernelless.map(count).join(', ')} ${kernelless.length === 1 ? 'has' : 'have'} no kernel there and no lowering here`
      : '',
    typed.length
      ? `${typed.map(count).join(', ')} ${typed.length === 1 ? 'has' : 'have'} no kernel there at ${typeWords.join(', ')}`
      : '',
  ].filter(Boolean);
  const lowerable = refused.some((o) => loweringFor(o.domain, o.op, o.form)) && !report.lowering;
  const elsewhere = providersRunning(refused, report.lowering, report.onnxOpset).filter((p) => p !== report.provider);
  const floats = typed.some((o) => o.wrongTypes!.some((t) => t.startsWith('float') || t.startsWith('bfloat')));
  const todo = [
    lowerable ? 'turn lowering at load back on' : '',
    floats ? "download or export the model's float32 variant" : '',
    kernelless.length ? 'download the variant exported for this provider' : '',
    elsewhere.length ? `run it with --device ${elsewhere.join(' or --device ')}` : '',
  ].filter(Boolean);
  const file = report.file ? `${report.file}` : 'This model';
  return `${file} cannot run on ${report.provider}: ${parts.join('; ')}; ${todo.join(', or ')}.`;
}

/**
 * A warning sentence for operators that would run on the CPU provider inside a GPU session; null when none. An op
 * that falls back only at some element types is named with them: "Add at int64 (×3)".
 */
export function fallbackSentence(report: OpsetReport): string | null {
  const counts = fallbackCounts(report);
  if (counts.size === 0) return null;
  const names = [...counts].map(([name, n]) => `${name} (×${n})`).join(', ');
  return `On ${report.provider}, ${names} would run on the CPU provider, copying tensors each run.`;
}

/**
 * The nodes that fall back to the CPU, counted per op label: an op that falls back only at some element types is
 * named with them ("Add at int64"), so its nodes at the types the provider takes are not counted.
 */
export function fallbackCounts(report: OpsetReport): Map<string, number> {
  const counts = new Map<string, number>();
  for (const o of report.ops) {
    if (o.fate !== 'cpu-fallback') continue;
    const label = `${opName(o.domain, o.op, o.form)}${o.wrongTypes?.length ? ` at ${o.wrongTypes.join(', ')}` : ''}`;
    counts.set(label, (counts.get(label) ?? 0) + o.count);
  }
  return counts;
}

/** Where a float16 graph is computed in float32 on the CPU provider, and how; null when nothing is. */
export function float32Sentence(report: OpsetReport): string | null {
  const ops = report.ops.filter((o) => o.inFloat32);
  if (ops.length === 0) return null;
  const how = report.widensToFloat32
    ? 'the graph is widened to float32 once when it loads'
    : 'onnxruntime casts to float32 and back around each of their nodes';
  const names = ops.map((o) => opName(o.domain, o.op, o.form)).join(', ');
  return `On ${report.provider}, ${names} have no float16 kernel: ${how}.`;
}
