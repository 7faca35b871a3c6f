/**
 * The exporters' Python tests (tools/*-export/test_*.py) run from vitest: Python's unittest under Debian's python3,
 * where python3-torch installs (.ci/run installs it); a pyenv or venv python3 earlier on PATH would lack it.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/**
 * Importing Debian's torch reads about a gigabyte of shared libraries; on a busy 2-core machine with a cold page
 * cache that alone has taken longer than vitest's default 30 s (the tests themselves run in under a second). The
 * bound is for that import, which nothing in the test can shorten; each test imports torch once.
 */
export const PYTHON_TEST_TIMEOUT_MS = 120_000;

/** unittest's report (stderr) for the tests in `dir`; a missing torch says what to install. */
export async function unittest(dir: string, env: Record<string, string> = {}): Promise<string> {
  try {
    const { stderr } = await run(python, ['-m', 'unittest', 'discover', '-s', dir, '-p', 'test_*.py', '-v'], {
      env: { ...process.env, OMP_NUM_THREADS: '1', PYTHONDONTWRITEBYTECODE: '1', ...env },
      maxBuffer: 16 << 20,
    });
    return stderr;
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? String(err);
    if (/No module named '(torch|numpy)'/.test(stderr)) {
      throw new Error(`${python} needs torch and numpy (apt-get install python3-torch)\n${stderr}`, { cause: err });
    }
    // A failing test: unittest's report is in the error.
    throw err;
  }
}
