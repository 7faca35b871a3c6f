import onnxProto from 'onnx-proto';
import type { ExternalLocation } from './weight-file';

const { onnx } = onnxProto;
const { DataType } = onnx.TensorProto;
const { AttributeType } = onnx.AttributeProto;

export type ElemType = 'float' | 'uint8' | 'int64' | 'int32' | 'float16';

const elemTypes: Record<ElemType, number> = {
  float: DataType.FLOAT,
  uint8: DataType.UINT8,
  int64: DataType.INT64,
  int32: DataType.INT32,
  float16: DataType.FLOAT16,
};

type AttrValue = number | string | number[] | { int: number };

/**
 * A small ONNX graph builder: nodes get unique output names, constants become initializers, and `toBytes()`
 * encodes the ModelProto for onnxruntime. Enough for the hand-built networks in this folder, nothing more.
 */
export class GraphBuilder {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private counter = 0;
  private readonly constants = new Set<string>();

  constructor(
    private readonly name: string,
    private readonly opset = 17,
  ) {}

  /** Declares a graph input; `dims` may hold symbolic names. */
  input(name: string, type: ElemType, dims: (number | string)[]): string {
    this.inputs.push(valueInfo(name, type, dims));
    return name;
  }

  /** Declares `value` as a graph output under `name` (through an Identity when the names differ). */
  output(value: string, name: string, type: ElemType, dims: (number | string)[]): void {
    if (value !== name) this.nodes.push({ opType: 'Identity', input: [value], output: [name], name: `out_${name}` });
    this.outputs.push(valueInfo(name, type, dims));
  }

  /** A float initializer of the given shape. */
  floats(name: string, dims: number[], values: ArrayLike<number>): string {
    const data = values instanceof Float32Array ? values : Float32Array.from(values);
    if (data.length !== dims.reduce((a, b) => a * b, 1)) throw new Error(`initializer ${name}: size mismatch`);
    // rawData keeps large initializers compact and fast to encode; ONNX stores it little-endian, like typed arrays.
    const rawData = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.initializers.push({ name, dims, dataType: DataType.FLOAT, rawData });
    return name;
  }

  /** A float scalar constant, shared by every use of the same value. */
  scalar(value: number): string {
    const name = `const_${value}`;
    if (!this.constants.has(name)) this.constants.add(this.floats(name, [], [value]));
    return name;
  }

  /** A float16 initializer from half bit patterns. */
  halfs(name: string, dims: number[], bits: Uint16Array): string {
    if (bits.length !== dims.reduce((a, b) => a * b, 1)) throw new Error(`initializer ${name}: size mismatch`);
    const rawData = new Uint8Array(bits.buffer, bits.byteOffset, bits.byteLength);
    this.initializers.push({ name, dims, dataType: DataType.FLOAT16, rawData });
    return name;
  }

  /** An initializer whose bytes live in an external weight file (see WeightFile). */
  external(name: string, dims: number[], type: 'float' | 'float16', at: ExternalLocation): string {
    this.initializers.push({
      name,
      dims,
      dataType: elemTypes[type],
      dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
      externalData: [
        { key: 'location', value: at.location },
        { key: 'offset', value: String(at.offset) },
        { key: 'length', value: String(at.length) },
      ],
    });
    return name;
  }

  /** An int64 initializer, for shapes, axes and sizes. */
  int64s(name: string, values: number[]): string {
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    const rawData = new Uint8Array(data.buffer);
    this.initializers.push({ name, dims: [values.length], dataType: DataType.INT64, rawData });
    return name;
  }

  /** Appends a node and returns the name of its (first) output. */
  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outputCount = 1): string {
    const id = `${opType.toLowerCase()}_${this.counter++}`;
    const output = Array.from({ length: outputCount }, (_, i) => (i === 0 ? id : `${id}_${i}`));
    const attribute = Object.entries(attrs).map(([name, v]) => attribute_(name, v));
    this.nodes.push({ opType, input: inputs, output, name: id, attribute });
    return id;
  }

  /** Encodes the model. */
  toBytes(): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'daydream-scope',
      opsetImport: [{ domain: '', version: this.opset }],
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function valueInfo(name: string, type: ElemType, dims: (number | string)[]): onnxProto.onnx.IValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType: elemTypes[type], shape: { dim } } } };
}

function attribute_(name: string, v: AttrValue): onnxProto.onnx.IAttributeProto {
  if (typeof v === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: AttributeType.INTS, ints: v };
  if (typeof v === 'object') return { name, type: AttributeType.INT, i: v.int };
  return { name, type: AttributeType.FLOAT, f: v };
}
