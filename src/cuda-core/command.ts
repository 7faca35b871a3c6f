/** `daydream-scope cuda-core`: assembles the CUDA core from npm, or cuts it into pieces for carrying. */
import { resolve, join } from 'node:path';
import { checkCore } from '../runtime/ort-core';
import { assembleCore } from './assemble';
import { cudaOffered, loadCheck } from './load-check';
import { CUDA_CORE, coreName, defaultCoreParent } from './pins';
import { splitCore } from './pieces';
import { commandArgs } from '../command-args';

/** Pieces of 56 MiB: with the repository's own files (about 6 MiB) one piece travels in a 64 MiB call. */
export const DEFAULT_PIECE_MIB = 56;

const core = `onnxruntime ${CUDA_CORE.node.version} with CUDA ${CUDA_CORE.cuda} providers`;
export const CUDA_CORE_HELP = `Usage:
  daydream-scope cuda-core [--dir <folder>] [--tarballs <folder>]
      assembles the ${core} from npm alone: ${CUDA_CORE.node.name}@${CUDA_CORE.node.version},
      ${CUDA_CORE.common.name}@${CUDA_CORE.common.version} and ${CUDA_CORE.providers.name}@${CUDA_CORE.providers.version},
      each checked against npm's integrity, into <folder>/${coreName(CUDA_CORE)} (default folder:
      <models dir>/ort-core); --tarballs reads the three .tgz files from a folder instead of fetching them.
      Point the server at it with DAYDREAM_SCOPE_ORT_CORE.
  daydream-scope cuda-core split [--core <folder>] [--out <folder>] [--piece-mib <n>]
      cuts the assembled core into xz pieces of at most <n> MiB (default ${DEFAULT_PIECE_MIB}) in <folder> (default
      .cuda-core/pieces) for a machine without a registry; tools/cuda-core-join.sh joins them there.
`;

interface Io {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  env: NodeJS.ProcessEnv;
}

/** Runs the command; answers the exit code (0 done, 1 failed, 2 usage). */
export async function runCudaCoreCommand(args: string[], io: Partial<Io> = {}): Promise<number> {
  const { stdout, stderr, env } = { stdout: process.stdout, stderr: process.stderr, env: process.env, ...io };
  const parsed = commandArgs(
    'cuda-core',
    CUDA_CORE_HELP,
    args,
    {
      dir: { type: 'string' },
      tarballs: { type: 'string' },
      core: { type: 'string' },
      out: { type: 'string' },
      'piece-mib': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    stderr,
  );
  if (!parsed) return 2;
  const { values, positionals } = parsed;
  const say = (m: string) => void stdout.write(`${m}\n`);
  const fail = (m: string, code = 1) => {
    stderr.write(`daydream-scope cuda-core: ${m}\n`);
    return code;
  };
  if (values.help) {
    stdout.write(CUDA_CORE_HELP);
    return 0;
  }
  const parent = resolve(values.dir ?? defaultCoreParent(env));
  try {
    if (positionals[0] === 'split') {
      const dir = resolve(values.core ?? join(parent, coreName(CUDA_CORE)));
      const mib = Number(values['piece-mib'] ?? DEFAULT_PIECE_MIB);
      if (!Number.isInteger(mib) || mib < 1) {
        return fail(`--piece-mib takes a whole number of MiB, not ${values['piece-mib']}`, 2);
      }
      const checked = checkCore(dir);
      if (typeof checked === 'string') return fail(`${dir} cannot be split: ${checked}`);
      const out = resolve(values.out ?? join('.cuda-core', 'pieces'));
      say(`packing ${dir} (xz, a few minutes)`);
      const r = await splitCore(dir, out, mib * 2 ** 20);
      say(`${r.pieces.length} pieces, ${(r.bytes / 2 ** 20).toFixed(1)} MiB in all, in ${out}: ${r.pieces.join(', ')}`);
      return 0;
    }
    if (positionals.length > 0) return fail(`unknown: ${positionals.join(' ')}\n\n${CUDA_CORE_HELP}`, 2);
    const tarballs = values.tarballs ? resolve(values.tarballs) : undefined;
    const { dir } = await assembleCore({ pins: CUDA_CORE, parent, tarballs, log: say });
    const load = await loadCheck(dir);
    if ('problem' in load) return fail(`the core in ${dir} was assembled, but ${load.problem}`);
    const notOffered = cudaOffered(load);
    if (notOffered) return fail(`the core in ${dir} was assembled, but ${notOffered}`);
    const offers = load.backends.map((b) => `${b.name}${b.bundled ? '' : ' (provider library)'}`);
    say(`its binding (onnxruntime-node ${load.version}, loaded in a process of its own) offers ${offers.join(', ')}`);
    say(`use it with: export DAYDREAM_SCOPE_ORT_CORE=${dir}`);
    say(
      `the CUDA provider needs CUDA ${CUDA_CORE.cuda}'s cuBLAS, cuRAND and runtime and cuDNN 9 on LD_LIBRARY_PATH, and the NVIDIA driver`,
    );
    return 0;
  } catch (err) {
    return fail((err as Error).message);
  }
}
