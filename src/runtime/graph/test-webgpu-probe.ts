/**
 * Probe graphs for webgpu-table.test.ts: one node per (op, element type), each fed from graph inputs of symbolic
 * size (nothing is constant-folded away) and each output a graph output (nothing is dropped as dead), so the
 * placement onnxruntime logs for a node is the kernel lookup for that op at that type.
 */
import onnxProto from 'onnx-proto';
import { DataType } from './onnx-model';
import { MS_DOMAIN } from './contrib-graph';

const { onnx } = onnxProto;

/** Element types by the names the kernel tables use. */
export const probeTypes = {
  float32: DataType.FLOAT,
  float16: DataType.FLOAT16,
  float64: DataType.DOUBLE,
  int32: DataType.INT32,
  uint32: DataType.UINT32,
  int64: DataType.INT64,
  uint8: DataType.UINT8,
  int8: DataType.INT8,
  bool: DataType.BOOL,
} as const;
export type ProbeType = keyof typeof probeTypes;

/**
 * One input of a probe node: `T` the probed type at the op's rank, `T1` the probed type at rank 1, a type name at
 * the op's rank (`int64`), `int64[]` and `float32[]` int64/float initializers holding the numbers after the colon
 * (`int64[]:0,1`), `int64()` and `float32()` rank-0 inputs, `` for an input left out.
 */
type Slot = string;

export interface ProbeSpec {
  op: string;
  domain?: string;
  inputs: Slot[];
  /** The types the op's schema takes at input 0 (Where: input 1) among the probed ones. */
  types: readonly ProbeType[];
  attrs?: Record<string, number | number[] | string>;
  outputs?: number;
  rank?: number;
  /** Opsets the op exists at (ONNX or onnxruntime's schema), when not all. */
  from?: number;
  to?: number;
}

const F: ProbeType[] = ['float32', 'float16', 'float64'];
const NUM: ProbeType[] = ['float32', 'float16', 'int32', 'uint32', 'int64', 'uint8', 'int8', 'float64'];
const WIDE: ProbeType[] = ['float32', 'float16', 'int32', 'uint32', 'int64', 'float64'];
const ANY: ProbeType[] = [...NUM, 'bool'];

const unary = (ops: string, types: readonly ProbeType[], extra: Partial<ProbeSpec> = {}): ProbeSpec[] =>
  ops.split(' ').map((op) => ({ op, inputs: ['T'], types, ...extra }));
const binary = (ops: string, types: readonly ProbeType[]): ProbeSpec[] =>
  ops.split(' ').map((op) => ({ op, inputs: ['T', 'T'], types }));
const reduce = (ops: string, types: readonly ProbeType[]): ProbeSpec[] =>
  ops.split(' ').map((op) => ({ op, inputs: ['T', 'int64[]:1'], types, from: 18 }));

/** The ai.onnx ops the WebGPU table names (and some it does not), in the forms of opset 18 and later. */
export const onnxProbes: ProbeSpec[] = [
  ...unary('Abs', NUM),
  ...unary('Neg', ['float32', 'float16', 'int32', 'int64', 'int8', 'float64']),
  ...unary('Relu', ['float32', 'float16', 'int32', 'int8', 'float64']),
  ...unary('Floor Ceil Reciprocal Sqrt Exp Erf Sigmoid HardSigmoid Log Tanh Elu LeakyRelu ThresholdedRelu', F),
  ...unary('Sin Cos Tan Asin Acos Atan Sinh Cosh Asinh Acosh Atanh Softplus Softsign Selu Round Sign', F),
  ...unary('HardSwish', F, { to: 21 }),
  ...unary('Gelu', F, { from: 20 }),
  ...unary('Softmax LogSoftmax', F),
  ...unary('Not', ['bool']),
  ...unary('Shape Flatten Transpose', ANY),
  ...unary('Trilu', ['float32', 'float16', 'int32', 'uint32', 'int64', 'bool', 'float64']),
  ...unary('ArgMax ArgMin', NUM),
  ...unary('GlobalAveragePool GlobalMaxPool LpNormalization', F, { rank: 4 }),
  ...binary('Add Sub Mul Div Max Min Greater GreaterOrEqual Less LessOrEqual', NUM),
  ...binary('Equal', ANY),
  ...binary('Pow', ['float32', 'float16', 'int32', 'int64', 'float64']),
  ...binary('PRelu', F),
  ...binary('MatMul', WIDE),
  ...binary('Gemm', ['float32', 'float16', 'int32', 'uint32', 'float64']),
  ...binary('And Or Xor', ['bool']),
  ...binary('Sum Mean', F),
  { op: 'Mod', inputs: ['T', 'T'], types: NUM, attrs: { fmod: 1 } },
  { op: 'ConstantOfShape', inputs: ['T'], types: ['int64'], rank: 1 },
  { op: 'Cast', inputs: ['T'], types: ANY, attrs: { to: DataType.FLOAT } },
  { op: 'Clip', inputs: ['T'], types: NUM },
  {
    op: 'Where',
    inputs: ['bool', 'T', 'T'],
    types: ['float32', 'float16', 'int32', 'uint32', 'int64', 'bool', 'uint8'],
  },
  { op: 'Reshape', inputs: ['T', 'int64[]:-1'], types: ANY },
  { op: 'Squeeze', inputs: ['T', 'int64[]:0'], types: ANY, rank: 3 },
  { op: 'Unsqueeze', inputs: ['T', 'int64[]:0'], types: ANY },
  { op: 'Concat', inputs: ['T', 'T'], types: ANY, attrs: { axis: 0 } },
  { op: 'Split', inputs: ['T'], types: ANY, attrs: { axis: 1, num_outputs: 3 }, outputs: 3, from: 18 },
  { op: 'Gather', inputs: ['T', 'int64'], types: ANY },
  { op: 'GatherElements', inputs: ['T', 'int64'], types: ANY },
  { op: 'GatherND', inputs: ['T', 'int64'], types: ANY },
  { op: 'Slice', inputs: ['T', 'int64[]:0', 'int64[]:1'], types: ANY },
  { op: 'Tile', inputs: ['T', 'int64[]:2,1'], types: ANY },
  { op: 'Expand', inputs: ['T', 'int64[]:2,1'], types: ANY },
  { op: 'Pad', inputs: ['T', 'int64[]:0,1,0,1'], types: ANY },
  {
    op: 'Resize',
    inputs: ['T', '', 'float32[]:1,1,2,2'],
    types: ['float32', 'float16', 'int32', 'uint32', 'uint8', 'int8'],
    rank: 4,
  },
  {
    op: 'DepthToSpace',
    inputs: ['T'],
    types: ['float32', 'float16', 'uint8', 'int8', 'float64'],
    attrs: { blocksize: 1 },
    rank: 4,
  },
  { op: 'Range', inputs: ['T0', 'T0', 'T0'], types: ['float32', 'int32', 'int64', 'float64'] },
  { op: 'CumSum', inputs: ['T', 'int64()'], types: WIDE },
  {
    op: 'TopK',
    inputs: ['T', 'int64[]:1'],
    types: ['float32', 'float16', 'int32', 'int64', 'uint8', 'int8', 'float64'],
    outputs: 2,
  },
  { op: 'ScatterND', inputs: ['T', 'int64', 'T'], types: ANY },
  { op: 'ScatterElements', inputs: ['T', 'int64', 'T'], types: ANY },
  { op: 'GridSample', inputs: ['T', 'T'], types: F, rank: 4, from: 16 },
  {
    op: 'Einsum',
    inputs: ['T', 'T'],
    types: ['float32', 'float16', 'int32', 'int64', 'float64'],
    attrs: { equation: 'ij,jk->ik' },
  },
  ...reduce('ReduceMax ReduceMin', NUM),
  ...reduce('ReduceMean ReduceProd ReduceSum ReduceL1 ReduceL2 ReduceLogSum ReduceSumSquare ReduceLogSumExp', WIDE),
  { op: 'Conv', inputs: ['T', 'T'], types: F, rank: 4 },
  { op: 'ConvTranspose', inputs: ['T', 'T'], types: F, rank: 4 },
  {
    op: 'MaxPool',
    inputs: ['T'],
    types: ['float32', 'float16', 'uint8', 'int8', 'float64'],
    attrs: { kernel_shape: [1, 1] },
    rank: 4,
  },
  { op: 'AveragePool', inputs: ['T'], types: F, attrs: { kernel_shape: [1, 1] }, rank: 4 },
  { op: 'BatchNormalization', inputs: ['T', 'T1', 'T1', 'T1', 'T1'], types: F, rank: 4 },
  { op: 'InstanceNormalization', inputs: ['T', 'T1', 'T1'], types: F, rank: 4 },
  { op: 'LayerNormalization', inputs: ['T', 'T1', 'T1'], types: F },
  { op: 'RMSNormalization', inputs: ['T', 'T1'], types: F, from: 23 },
  { op: 'DequantizeLinear', inputs: ['T', 'float32()'], types: ['int32', 'uint8', 'int8'], to: 23 },
  // A function op without a kernel is inlined into other nodes: the log no longer names it.
  { op: 'Mish', inputs: ['T'], types: ['float32'] },
];

/** Contrib ops of the WebGPU table (com.microsoft, opset 1), at the float types their schemas take. */
export const contribProbes: ProbeSpec[] = (
  [
    { op: 'BiasAdd', inputs: ['T', 'T1', 'T'], rank: 3 },
    { op: 'BiasGelu', inputs: ['T', 'T1'] },
    { op: 'BiasSplitGelu', inputs: ['T', 'T1'], rank: 3 },
    { op: 'FastGelu', inputs: ['T'] },
    { op: 'Gelu', inputs: ['T'] },
    { op: 'QuickGelu', inputs: ['T'] },
    { op: 'SkipLayerNormalization', inputs: ['T', 'T', 'T1', 'T1'], rank: 3 },
    { op: 'SkipSimplifiedLayerNormalization', inputs: ['T', 'T', 'T1'], rank: 3 },
    { op: 'FusedConv', inputs: ['T', 'T'], attrs: { activation: 'Relu' }, rank: 4 },
    { op: 'MultiHeadAttention', inputs: ['T', 'T', 'T'], attrs: { num_heads: 1 }, rank: 3 },
    { op: 'Attention', inputs: ['T', 'T', 'T1'], attrs: { num_heads: 1 }, rank: 3 },
    { op: 'RotaryEmbedding', inputs: ['T', 'int64', 'T', 'T'], rank: 3 },
    { op: 'MatMulNBits', inputs: ['T', 'uint8', 'T'], attrs: { K: 32, N: 8, bits: 4, block_size: 32 } },
  ] as Omit<ProbeSpec, 'types'>[]
).map((s) => ({ ...s, domain: MS_DOMAIN, types: ['float32', 'float16'] }));

export interface ProbeNode {
  domain: string;
  op: string;
  type: ProbeType;
}

/** A model holding one node per (spec, type) in `cases`, at `opset`; node names map back to their case. */
export function probeModel(
  opset: number,
  cases: readonly { spec: ProbeSpec; type: ProbeType }[],
): { bytes: Uint8Array; nodes: Map<string, ProbeNode> } {
  const node: onnxProto.onnx.INodeProto[] = [];
  const input: onnxProto.onnx.IValueInfoProto[] = [];
  const output: onnxProto.onnx.IValueInfoProto[] = [];
  const initializer: onnxProto.onnx.ITensorProto[] = [];
  const nodes = new Map<string, ProbeNode>();
  for (const { spec, type } of cases) {
    const id = `${spec.domain ? 'ms_' : ''}${spec.op}_${type}`;
    const inputs = spec.inputs.map((slot, i) => {
      if (slot === '') return '';
      const name = `${id}_in${i}`;
      const [kind, values = ''] = slot.split(':');
      if (kind === 'int64[]' || kind === 'float32[]') {
        const numbers = values.split(',').map(Number);
        const data = kind === 'int64[]' ? BigInt64Array.from(numbers.map(BigInt)) : Float32Array.from(numbers);
        const dataType = kind === 'int64[]' ? DataType.INT64 : DataType.FLOAT;
        initializer.push({ name, dims: [numbers.length], dataType, rawData: new Uint8Array(data.buffer) });
        return name;
      }
      const scalar = kind!.endsWith('()') || kind === 'T0';
      const elem = kind === 'T' || kind === 'T1' || kind === 'T0' ? type : (kind!.replace('()', '') as ProbeType);
      const rank = scalar ? 0 : kind === 'T1' ? 1 : (spec.rank ?? 2);
      const dim = Array.from({ length: rank }, (_, d) => ({ dimParam: `${name}_${d}` }));
      input.push({ name, type: { tensorType: { elemType: probeTypes[elem], shape: { dim } } } });
      return name;
    });
    const out = Array.from({ length: spec.outputs ?? 1 }, (_, i) => `${id}_out${i}`);
    node.push({
      name: id,
      domain: spec.domain ?? '',
      opType: spec.op,
      input: inputs,
      output: out,
      attribute: attrs(spec),
    });
    for (const name of out) output.push({ name });
    nodes.set(id, { domain: spec.domain ?? '', op: spec.op, type });
  }
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'daydream-scope',
    opsetImport: [
      { domain: '', version: opset },
      { domain: MS_DOMAIN, version: 1 },
    ],
    graph: { name: 'webgpu_probe', node, input, output, initializer },
  });
  return { bytes: onnx.ModelProto.encode(model).finish(), nodes };
}

function attrs(spec: ProbeSpec): onnxProto.onnx.IAttributeProto[] {
  const A = onnx.AttributeProto.AttributeType;
  return Object.entries(spec.attrs ?? {}).map(([name, v]) =>
    typeof v === 'string'
      ? { name, type: A.STRING, s: new TextEncoder().encode(v) }
      : Array.isArray(v)
        ? { name, type: A.INTS, ints: v }
        : { name, type: A.INT, i: v },
  );
}
