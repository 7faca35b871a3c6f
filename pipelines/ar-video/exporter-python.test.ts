/**
 * The exporter's Python logic that needs no upstream weights (tools/ar-video-export/test_export_logic.py): the
 * Wan VAE cache-slot counting and the x0/flow conversion of the check, on tiny torch modules. It runs under
 * Debian's python3 with python3-torch (.ci/run installs it); without torch the test fails and says so.
 */
import { describe, expect, it } from 'vitest';
import { PYTHON_TEST_TIMEOUT_MS, unittest } from '../shared/test-python';

describe('ar-video exporter (Python)', () => {
  it(
    'counts only the cached causal convolutions and converts StreamDiffusionV2’s x0 before comparing',
    async () => {
      const stderr = await unittest('tools/ar-video-export');
      expect(stderr).toMatch(/Ran 10 tests/);
      expect(stderr).toMatch(/\nOK\n?$/);
      expect(stderr).toMatch(/test_counts_only_the_cached_convolutions .* ok/);
      expect(stderr).toMatch(/test_x0_output_is_converted_before_comparing .* ok/);
    },
    PYTHON_TEST_TIMEOUT_MS,
  );
});
