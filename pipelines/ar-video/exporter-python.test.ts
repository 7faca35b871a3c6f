/**
 * The exporter's Python logic that needs no upstream weights (tools/ar-video-export/test_export_logic.py): the
 * Wan VAE cache-slot counting, the x0/flow conversion of the check and `--sizes` (one folder of static shapes per
 * size, the text encoder hard-linked; test_sizes.py), on tiny torch modules. It runs under
 * Debian's python3 with python3-torch (.ci/run installs it); without torch the test fails and says so.
 */
import { describe, expect, it } from 'vitest';
import { PYTHON_TEST_TIMEOUT_MS, unittest } from '../shared/test-python';

describe('ar-video exporter (Python)', () => {
  it(
    'counts only the cached causal convolutions, converts StreamDiffusionV2’s x0 and writes one folder per size',
    async () => {
      const stderr = await unittest('tools/ar-video-export');
      expect(stderr).toMatch(/Ran 17 tests/);
      expect(stderr).toMatch(/\nOK\n?$/);
      expect(stderr).toMatch(/test_counts_only_the_cached_convolutions .* ok/);
      expect(stderr).toMatch(/test_x0_output_is_converted_before_comparing .* ok/);
      expect(stderr).toMatch(/test_one_folder_per_size_with_that_sizes_static_shapes .* ok/);
      expect(stderr).toMatch(/test_the_text_encoder_is_written_once_and_hard_linked .* ok/);
      expect(stderr).toMatch(/test_what_the_latent_grid_cannot_hold_is_refused_with_a_sentence .* ok/);
    },
    PYTHON_TEST_TIMEOUT_MS,
  );
});
