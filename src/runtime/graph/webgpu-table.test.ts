import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logPlacement } from '../log-placement';
import { ortProviderName } from '../placement';
import { hasKernel, typesAt } from './kernel-table';
import { providerOps } from './provider-ops';
import { contribProbes, onnxProbes, probeModel } from './test-webgpu-probe';
import type { ProbeNode, ProbeSpec, ProbeType } from './test-webgpu-probe';

const webgpu = providerOps('webgpu');
const cpu = providerOps('cpu');

/** What the WebGPU table claims for a node: a kernel at its type (or, where it states no types, any kernel). */
const claims = (n: ProbeNode, opset: number) =>
  typesAt(webgpu.types, n.domain, n.op, opset)?.has(n.type) ?? hasKernel(webgpu.kernels, n.domain, n.op, opset);

/**
 * Whether a session holding the node can be made at all: WebGPU claims it, or the CPU provider has it (at its type,
 * or at float32 for a float16 node, which onnxruntime casts). A node no provider takes would fail the session.
 */
function placeable(spec: ProbeSpec, type: ProbeType, opset: number): boolean {
  const domain = spec.domain ?? '';
  if (claims({ domain, op: spec.op, type }, opset)) return true;
  if (!hasKernel(cpu.kernels, domain, spec.op, opset)) return spec.op === 'Mish';
  const types = typesAt(cpu.types, domain, spec.op, opset);
  return !types || types.has(type) || (type === 'float16' && types.has('float32'));
}

/** Opens one probe model per opset on WebGPU (then the CPU) and reads where each node went. */
async function probe(opset: number, specs: readonly ProbeSpec[]) {
  const cases = specs
    .filter((s) => opset >= (s.from ?? 0) && opset <= (s.to ?? Infinity))
    .flatMap((spec) => spec.types.filter((t) => placeable(spec, t, opset)).map((type) => ({ spec, type })));
  const { bytes, nodes } = probeModel(opset, cases);
  const file = join(dir, `probe-${opset}.onnx`);
  await writeFile(file, bytes);
  const log = await logPlacement(file, ['webgpu', 'cpu']);
  // The log lists nodes only when providers are mixed; NHWC rewrites of Conv and the pools add a `_token_N` suffix.
  const all = log.length === 1 && log[0]!.op === '*' ? log[0]!.provider : undefined;
  const placed = new Map(log.map((p) => [p.node.replace(/_token_\d+$/, ''), p.provider]));
  const onWebgpu = new Map<string, boolean | undefined>();
  for (const id of nodes.keys()) {
    const provider = all ?? placed.get(id);
    onWebgpu.set(id, provider === undefined ? undefined : provider === ortProviderName.webgpu);
  }
  return { nodes, onWebgpu };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'webgpu-table-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

// CI runs this on Mesa's lavapipe.
describe('the WebGPU table against onnxruntime-node 1.30', () => {
  it.each([
    [18, [...onnxProbes, ...contribProbes]],
    [23, onnxProbes],
    [26, onnxProbes],
  ] as const)(
    'at opset %i, claims a kernel at a type exactly where onnxruntime places the node on WebGPU',
    async (opset, specs) => {
      const { nodes, onWebgpu } = await probe(opset, specs);
      const disagreements: string[] = [];
      const unseen: string[] = [];
      for (const [id, n] of nodes) {
        const gpu = onWebgpu.get(id);
        // A function op no provider has a kernel for at that type (Mish; Selu at float16) is inlined into other
        // nodes, which the log names instead: it is not on WebGPU as itself.
        if (gpu === undefined) unseen.push(`${n.op} at ${n.type}`);
        if ((gpu ?? false) !== claims(n, opset))
          disagreements.push(`${n.op} at ${n.type}: ${gpu ? 'on WebGPU' : gpu === false ? 'on the CPU' : 'inlined'}`);
      }
      expect(disagreements).toEqual([]);
      expect(unseen).toContain('Mish at float32');
      expect(nodes.size).toBeGreaterThan(300);
    },
    300_000,
  );

  it('places what a VJ meets in exports as the table says: int64 arithmetic on the CPU, float16 and int32 on WebGPU', async () => {
    const pick = (ops: string[]) => onnxProbes.filter((s) => ops.includes(s.op));
    const { onWebgpu } = await probe(
      17,
      pick(['Add', 'Mul', 'Cast', 'Gather', 'Where', 'Range', 'MatMul', 'Slice', 'Conv']),
    );
    const at = (op: string, type: ProbeType) => onWebgpu.get(`${op}_${type}`);
    expect([at('Add', 'float32'), at('Add', 'float16'), at('Add', 'int32'), at('Add', 'int64')]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect([at('Mul', 'float64'), at('Cast', 'int64'), at('Where', 'int64'), at('Range', 'int64')]).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect([at('Gather', 'int32'), at('Where', 'int32'), at('Range', 'int32')]).toEqual([true, true, true]);
    // int32 where the table says no kernel takes it: MatMul and Slice are float-only on WebGPU.
    expect([at('MatMul', 'int32'), at('Slice', 'int32'), at('Conv', 'float16')]).toEqual([false, false, true]);
  }, 300_000);
});
