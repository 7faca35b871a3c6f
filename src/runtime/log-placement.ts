/**
 * Node placement read from onnxruntime's verbose log at session creation, in a child process. Unlike the
 * profile (placement.ts) it needs no run, so it stays quick for graphs of a billion weights on a software
 * adapter, where the first run would compile shaders for minutes.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { NodePlacement } from './placement';

const HEADER = /VerifyEachNodeIsAssignedToAnEp\]\s+(?:All nodes|Node\(s\)) placed on \[(\w+)\]/;
const NODE = /VerifyEachNodeIsAssignedToAnEp\]\s{3}(\S+) \((.*)\)\s*$/;
const ALL = /All nodes placed on \[(\w+)\]\. Number of nodes: (\d+)/;

/**
 * The placement block of a verbose log: where every node went when the log lists them, or one entry standing for
 * all nodes when onnxruntime says "All nodes placed on [X]" (it lists them only when providers are mixed).
 */
export function parsePlacementLog(log: string): NodePlacement[] | null {
  const out: NodePlacement[] = [];
  let provider: string | undefined;
  let seen = false;
  for (const line of log.split('\n')) {
    const all = ALL.exec(line);
    if (all) return [{ node: `all ${all[2]} nodes`, op: '*', provider: all[1]! }];
    const header = HEADER.exec(line);
    if (header) {
      provider = header[1];
      seen = true;
      continue;
    }
    const node = provider ? NODE.exec(line) : null;
    if (node) out.push({ node: node[2]!, op: node[1]!, provider: provider! });
  }
  return seen ? out : null;
}

/** Opens `model` (a file) on `providers` in a child process and returns the placement it logged. */
export function logPlacement(model: string, providers: string[], timeoutMs = 600_000): Promise<NodePlacement[]> {
  const script = fileURLToPath(new URL('./log-placement-child.mjs', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, model, providers.join(',')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    let partial = '';
    let tail = '';
    let done = false;
    const finish = (err: Error | null, value?: NodePlacement[]) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      if (err) reject(err);
      else resolve(value!);
    };
    const timer = setTimeout(() => finish(new Error(`no placement logged in ${timeoutMs / 1000} s`)), timeoutMs);
    child.stderr.on('data', (d: Buffer) => {
      const text = partial + d.toString();
      tail = (tail + text).slice(-2000);
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      // Only the placement lines are kept: the whole verbose log of a large graph runs to megabytes.
      for (const line of lines) if (/VerifyEachNodeIsAssignedToAnEp|session created/.test(line)) log += `${line}\n`;
      if (/Some nodes were not assigned|All nodes placed on|session created/.test(log)) {
        finish(null, parsePlacementLog(log) ?? []);
      }
    });
    child.on('close', (code) =>
      finish(new Error(`the session could not be created (exit ${code}): ${tail.slice(-600)}`)),
    );
  });
}
