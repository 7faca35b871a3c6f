/**
 * Which operators an execution provider has kernels for, by domain, op type and opset range. The tables are kept as
 * packed text (one domain and `Op:ranges` words a line, as tools/ort-kernel-list.py prints them) because a table of
 * hundreds of entries reads better, and diffs better against the next onnxruntime, as lines than as an object.
 */

/** An opset range; `to` absent means "and every later opset". */
export interface OpsetRange {
  from: number;
  to?: number;
}

/** domain ('' for ai.onnx) → op type → registered ranges. */
export type KernelTable = ReadonlyMap<string, ReadonlyMap<string, readonly OpsetRange[]>>;

/** ONNX's own domain has two names; the tables and checks use ''. */
export const normalDomain = (domain: string | null | undefined) => (!domain || domain === 'ai.onnx' ? '' : domain);

/**
 * domain → op type → the element types the provider takes for the op's main input (input 0; Where's input 1, see
 * typedInput in type-gaps.ts), per opset range, where its source states them; an op absent here (or an opset none
 * of its entries covers) is not checked for types.
 */
export type TypeTable = ReadonlyMap<string, ReadonlyMap<string, readonly TypedRanges[]>>;

export interface TypedRanges {
  ranges: readonly OpsetRange[];
  types: ReadonlySet<string>;
}

/** Type words of the packed form → onnxruntime's names of the element types (tools/ort-kernel-list.py writes them). */
const typeWords: Record<string, string> = {
  f32: 'float32',
  f16: 'float16',
  bf16: 'bfloat16',
  f64: 'float64',
  i2: 'int2',
  i4: 'int4',
  i8: 'int8',
  i16: 'int16',
  i32: 'int32',
  i64: 'int64',
  u2: 'uint2',
  u4: 'uint4',
  u8: 'uint8',
  u16: 'uint16',
  u32: 'uint32',
  u64: 'uint64',
  bool: 'bool',
  str: 'string',
  fp8: 'float8e4m3fn',
  fp8uz: 'float8e4m3fnuz',
  fp8e5: 'float8e5m2',
  fp8e5uz: 'float8e5m2fnuz',
  fp8e8: 'float8e8m0',
  f4: 'float4e2m1',
  c64: 'complex64',
  c128: 'complex128',
};

/**
 * The type constraints of the packed form: `Op:9-20@f32,f16` takes float and float16 for input 0 at opsets 9–20.
 * An op may have several words, one per set of types (`Add:7-12,13@f32,i32 Add:14+@f32,i8,i32`).
 */
export function parseKernelTypes(text: string): TypeTable {
  const table = new Map<string, Map<string, TypedRanges[]>>();
  for (const [domain, word] of words(text)) {
    const [op, rest = ''] = word.split(':');
    const at = rest.indexOf('@');
    if (at < 0 || !op) continue;
    const types = rest
      .slice(at + 1)
      .split(',')
      .map((t) => {
        const name = typeWords[t];
        if (!name) throw new Error(`kernel list: unknown type "${t}" in "${word}"`);
        return name;
      });
    const ops = table.get(domain) ?? new Map<string, TypedRanges[]>();
    table.set(domain, ops);
    const entries = ops.get(op) ?? [];
    entries.push({
      ranges: rest
        .slice(0, at)
        .split(',')
        .map((r) => parseRange(r, word)),
      types: new Set(types),
    });
    ops.set(op, entries);
  }
  return table;
}

const inRange = (r: OpsetRange, opset: number) => opset >= r.from && (r.to === undefined || opset <= r.to);

/** The element types the table states for `op` at the model's `opset`, or undefined when it states none. */
export function typesAt(table: TypeTable, domain: string, op: string, opset: number): ReadonlySet<string> | undefined {
  return table
    .get(normalDomain(domain))
    ?.get(op)
    ?.find((e) => e.ranges.some((r) => inRange(r, opset)))?.types;
}

/** Each (domain, word) of the packed form, comments and blank lines skipped. */
function* words(text: string): Generator<[string, string]> {
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [domainWord, ...rest] = line.split(/\s+/);
    for (const word of rest) yield [normalDomain(domainWord), word];
  }
}

/** Reads the packed form: `domain Op:6-12,13+ Other:1+`; lines starting with `#` are comments. */
export function parseKernelList(text: string): KernelTable {
  const table = new Map<string, Map<string, OpsetRange[]>>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [domainWord, ...words] = line.split(/\s+/);
    const domain = normalDomain(domainWord);
    const ops = table.get(domain) ?? new Map<string, OpsetRange[]>();
    table.set(domain, ops);
    for (const word of words) {
      const [op, withTypes] = word.split(':');
      const ranges = withTypes?.split('@')[0];
      if (!op || !ranges) throw new Error(`kernel list: "${word}" is not Op:ranges`);
      const list = ops.get(op) ?? [];
      for (const r of ranges.split(',')) list.push(parseRange(r, word));
      ops.set(op, list);
    }
  }
  return table;
}

function parseRange(r: string, word: string): OpsetRange {
  const open = /^(\d+)\+$/.exec(r);
  if (open) return { from: Number(open[1]) };
  const span = /^(\d+)(?:-(\d+))?$/.exec(r);
  if (!span) throw new Error(`kernel list: bad range "${r}" in "${word}"`);
  return { from: Number(span[1]), to: Number(span[2] ?? span[1]) };
}

/**
 * Whether the table has a kernel for `op` of `domain` at the model's `opset` for that domain. Kernel ranges are
 * opset intervals (Add 7-12, 13, 14+), so the model's import version falls in one of them exactly when the op's
 * version that opset resolves to has a kernel.
 */
export function hasKernel(table: KernelTable, domain: string, op: string, opset: number): boolean {
  const ranges = table.get(normalDomain(domain))?.get(op);
  return !!ranges?.some((r) => inRange(r, opset));
}

/** The ranges registered for an op, written as the tables write them (`7-12,13,14+`), or '' when none. */
export function describeRanges(table: KernelTable, domain: string, op: string): string {
  const ranges = table.get(normalDomain(domain))?.get(op) ?? [];
  return ranges
    .map((r) => (r.to === undefined ? `${r.from}+` : r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`))
    .join(',');
}
