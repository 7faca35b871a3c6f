import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { preflight } from './preflight';
import { solidPipeline } from './test-support';
import onnxProto from 'onnx-proto';
import { groupNormGraph, sha256 } from './test-load-fallback';
import type { PreflightCheck, PreflightNeeds } from './preflight';
import type { PipelineDefinition } from './pipeline';

const { onnx } = onnxProto;
const dir = mkdtempSync(join(tmpdir(), 'scope-preflight-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bytes = new TextEncoder().encode('weights weights weights');
const path = join(dir, 'weights.bin');
writeFileSync(path, bytes);
const solid = solidPipeline('solid');

/** The preflight of `solid` with `values`, as if it needed `needs`. */
function check(values: Record<string, unknown>, needs?: PreflightNeeds, extra: PreflightCheck[] = []) {
  const def = { ...solid, preflight: () => needs } as PipelineDefinition;
  const base = { level: 10, seed: 1, width: 64, height: 64 };
  return preflight({ def, specs: def.params, values, base, ctx: { executionProvider: 'cpu' }, hash: true }, extra);
}
const file = (over: object = {}): PreflightNeeds => ({
  files: [{ path, role: 'weights', size: bytes.length, sha256: sha256(bytes), ...over }],
});

describe('preflight', () => {
  it('passes a request whose values are valid and whose files are there, whole and with the right hash', async () => {
    expect(await check({ level: 20 }, file())).toBeUndefined();
  });

  it.each([
    ['a value out of its choices', { level: 'high' }, file(), 'parameters', /^rejected, nothing changed: level:/],
    ['an unknown parameter', { nope: 1 }, file(), 'parameters', /unknown parameter "nope"/],
    ['a missing file', {}, file({ path: join(dir, 'gone.bin') }), 'files present', /missing weights \(.*gone\.bin\)/],
    ['a file of another size', {}, file({ size: 99 }), 'files complete', /is 23 bytes where 99 were expected/],
    [
      'a file with another hash',
      {},
      file({ sha256: 'ab'.repeat(32) }),
      'files complete',
      /has SHA-256 [0-9a-f]{64}, not/,
    ],
  ])('refuses %s, naming the check', async (_what, values, needs, name, message) => {
    expect(await check(values, needs)).toMatchObject({ pipelineId: 'solid', check: name, message });
  });

  it('a file changed since it was hashed is hashed again', async () => {
    const other = join(dir, 'changing.bin');
    writeFileSync(other, bytes);
    const needs = { files: [{ path: other, role: 'weights', sha256: sha256(bytes) }] };
    expect(await check({}, needs)).toBeUndefined();
    writeFileSync(
      other,
      bytes.map((b) => b ^ 1),
    );
    utimesSync(other, new Date(), new Date(Date.now() + 5000));
    expect(await check({}, needs)).toMatchObject({ check: 'files complete' });
  });

  it('runs extra checks after the built-in ones, with what the pipeline needs', async () => {
    const seen: string[] = [];
    const opset: PreflightCheck = {
      name: 'op-set',
      run: ({ needs, ctx }) => {
        seen.push(`${ctx.executionProvider}:${needs!.files.length}`);
        return { message: 'GroupNorm is not run by the cpu provider', fix: null };
      },
    };
    expect(await check({}, file(), [opset])).toMatchObject({ check: 'op-set', message: /GroupNorm/ });
    expect(seen).toEqual(['cpu:1']);
    // A refusal before it stops the list.
    expect(await check({}, file({ size: 1 }), [opset])).toMatchObject({ check: 'files complete' });
    expect(seen).toHaveLength(1);
  });

  it('a pipeline preflight that throws refuses with its sentence', async () => {
    const def = {
      ...solid,
      preflight: () => {
        throw new Error('solid needs a GPU');
      },
    } as PipelineDefinition;
    const base = { level: 10, seed: 1, width: 64, height: 64 };
    const r = await preflight({
      def,
      specs: def.params,
      values: {},
      base,
      ctx: { executionProvider: 'cpu' },
      hash: false,
    });
    expect(r).toEqual({ pipelineId: 'solid', check: 'pipeline', message: 'solid needs a GPU', fix: null });
  });
});

describe('the operator check', () => {
  /** A graph of one com.microsoft node: GroupNorm (lowered at load on the CPU) or an operator nobody runs. */
  function contribGraph(op: string): Uint8Array {
    const model = onnx.ModelProto.decode(groupNormGraph());
    model.graph!.node!.find((n) => n.opType === 'GroupNorm')!.opType = op;
    return onnx.ModelProto.encode(model).finish();
  }
  const onnxFile = (name: string, data: Uint8Array): PreflightNeeds => {
    const p = join(dir, name);
    writeFileSync(p, data);
    return { files: [{ path: p, role: 'graph' }] };
  };

  it('passes a file whose operators the provider runs or the load lowers', async () => {
    expect(await check({}, onnxFile('group-norm.onnx', contribGraph('GroupNorm')))).toBeUndefined();
  });

  it('refuses a file with an operator the provider has no kernel for, naming it and the command that says more', async () => {
    const refusal = await check({}, onnxFile('unknown-op.onnx', contribGraph('NoSuchKernel')));
    expect(refusal).toMatchObject({ check: 'operators', message: /cannot run on cpu: com\.microsoft\.NoSuchKernel/ });
    expect(refusal?.fix).toMatch(/^daydream-scope model check .*unknown-op\.onnx$/);
  });

  it('refuses a file that is not an ONNX graph (cut short)', async () => {
    const whole = contribGraph('GroupNorm');
    const refusal = await check({}, onnxFile('cut.onnx', whole.subarray(0, whole.length - 40)));
    expect(refusal).toMatchObject({ check: 'operators', message: /cannot be read as an ONNX graph/ });
  });
});
