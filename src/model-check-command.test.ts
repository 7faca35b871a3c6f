import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from './runtime/graph-builder';
import { withContribOps } from './runtime/graph/contrib-graph';
import { decodeModel, encodeModel } from './runtime/graph/onnx-model';
import { runModelCommand } from './model-check-command';

const run = promisify(execFile);
const BIN = new URL('./bin.mjs', import.meta.url).pathname;

let dir: string;
let groupNorm: string;
let unknownOp: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'model-check-'));
  const g = new GraphBuilder('gn');
  const y = g.op(
    'GroupNorm',
    [
      g.input('x', 'float', [1, 4, 4, 8]),
      g.floats('gamma', [8], new Array(8).fill(1)),
      g.floats('beta', [8], new Array(8).fill(0)),
    ],
    {
      groups: { int: 4 },
      activation: { int: 1 },
    },
  );
  g.output(g.op('Relu', [y]), 'y', 'float', [1, 4, 4, 8]);
  groupNorm = join(dir, 'group-norm.onnx');
  await writeFile(groupNorm, withContribOps(g.toBytes(), ['GroupNorm']));

  const u = new GraphBuilder('unknown');
  u.output(u.op('Frobnicate', [u.input('x', 'float', [4])]), 'y', 'float', [4]);
  const model = decodeModel(u.toBytes());
  model.graph!.node![0]!.domain = 'com.example';
  model.opsetImport!.push({ domain: 'com.example', version: 1 });
  unknownOp = join(dir, 'unknown-op.onnx');
  await writeFile(unknownOp, encodeModel(model));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The real command in a child process, as a user types it; exit code and both streams. */
async function modelCheck(...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, 'model', 'check', ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('daydream-scope model check', () => {
  it('a GroupNorm graph on the CPU: GroupNorm lowered, Relu runs, exit 0', async () => {
    const { code, stdout } = await modelCheck(groupNorm, '--device', 'cpu');
    expect(code).toBe(0);
    expect(stdout).toMatch(/lowered\s+com\.microsoft GroupNorm\s+opset 1\s+×1\s+lowered to Transpose/);
    expect(stdout).toMatch(/runs\s+ai\.onnx Relu\s+opset 17\s+×1/);
    expect(stdout).toContain('Runs on cpu');
  }, 60_000);

  it('an unknown operator: exit 1 and the sentence naming it', async () => {
    const { code, stdout, stderr } = await modelCheck(unknownOp, '--device', 'webgpu');
    expect(code).toBe(1);
    expect(stdout).toMatch(/refused\s+com\.example Frobnicate/);
    expect(stderr).toContain('cannot run on webgpu: com.example.Frobnicate (×1) has no kernel there');
  }, 60_000);

  it('with --no-lowering the GroupNorm graph is refused, and the sentence says what to do', async () => {
    const lines: string[] = [];
    const code = await runModelCommand(['check', groupNorm, '--device', 'cpu', '--no-lowering'], {
      stdout: { write: () => true },
      stderr: { write: (t: string) => lines.push(t) },
    });
    expect(code).toBe(1);
    expect(lines.join('')).toMatch(
      /GroupNorm \(×1\) has no kernel there.*turn lowering at load back on.*--device cuda/,
    );
  });

  it('usage errors exit 2 with a sentence: no file, unknown device, unknown subcommand; a missing file exits 1', async () => {
    const err: string[] = [];
    const io = { stdout: { write: () => true }, stderr: { write: (t: string) => err.push(t) } };
    expect(await runModelCommand(['check'], io)).toBe(2);
    expect(await runModelCommand(['check', groupNorm, '--device', 'tpu'], io)).toBe(2);
    expect(await runModelCommand(['inspect', groupNorm], io)).toBe(2);
    expect(await runModelCommand(['check', join(dir, 'absent.onnx'), '--device', 'cpu'], io)).toBe(1);
    expect(err.join('')).toContain('unknown device "tpu"');
    expect(err.join('')).toContain('absent.onnx');
  });

  it('an int64 Add on WebGPU: one line per type, the int64 one on the CPU with its reason, and the warning', async () => {
    const g = new GraphBuilder('typed');
    g.output(g.op('Add', [g.input('a', 'float', [2]), g.input('b', 'float', [2])]), 'y', 'float', [2]);
    const i = g.input('i', 'int64', [2]);
    g.output(g.op('Add', [i, i]), 'j', 'int64', [2]);
    const file = join(dir, 'typed.onnx');
    await writeFile(file, g.toBytes());
    const out: string[] = [];
    const code = await runModelCommand(['check', file, '--device', 'webgpu'], {
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: () => true },
    });
    expect(code).toBe(0);
    const text = out.join('');
    expect(text).toMatch(/runs\s+ai\.onnx Add \[float32\]\s+opset 17\s+×1\n/);
    expect(text).toMatch(
      /cpu-fallback\s+ai\.onnx Add \[int64\]\s+opset 17\s+×1\s+webgpu has Add only for float32, float16, int32, uint32, not int64: runs on the CPU provider/,
    );
    expect(text).toContain('On webgpu, Add at int64 (×1) would run on the CPU provider, copying tensors each run.');
  });
});
