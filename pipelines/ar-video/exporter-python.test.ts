/**
 * The exporter's Python logic that needs no upstream weights (tools/ar-video-export/test_export_logic.py): the
 * Wan VAE cache-slot counting and the x0/flow conversion of the check, on tiny torch modules. It runs under
 * Debian's python3 with python3-torch (.ci/run installs it); without torch the test fails and says so.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
// Debian's interpreter, where python3-torch installs; a pyenv or venv python3 earlier on PATH would lack it.
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

describe('ar-video exporter (Python)', () => {
  it('counts only the cached causal convolutions and converts StreamDiffusionV2’s x0 before comparing', async () => {
    const torch = await run(python, ['-c', 'import torch, numpy']).then(
      () => '',
      (err: { stderr?: string }) => err.stderr ?? String(err),
    );
    expect(torch, `${python} needs torch and numpy (apt-get install python3-torch)`).toBe('');
    const { stderr } = await run(
      python,
      ['-m', 'unittest', 'discover', '-s', 'tools/ar-video-export', '-p', 'test_*.py', '-v'],
      { env: { ...process.env, OMP_NUM_THREADS: '1' } },
    );
    // unittest reports on stderr; a failure rejects the promise above with the report in the error.
    expect(stderr).toMatch(/Ran 10 tests/);
    expect(stderr).toMatch(/\nOK\n?$/);
    expect(stderr).toMatch(/test_counts_only_the_cached_convolutions .* ok/);
    expect(stderr).toMatch(/test_x0_output_is_converted_before_comparing .* ok/);
  });
});
