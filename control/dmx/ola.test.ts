import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const fixture = fileURLToPath(new URL('./test-ola-netns.ts', import.meta.url));

// Open Lighting Architecture (Debian `ola`: olad and its clients) as the peer, in network namespaces of the test's
// own (see the fixture for why two). Creating them needs root, as do the other namespace tests (CI runs as root).
const canRun = process.platform === 'linux' && process.getuid?.() === 0 && existsSync('/usr/bin/olad');

describe('DMX against Open Lighting Architecture', () => {
  // Outside CI a machine without olad or root skips; CI installs ola (.ci/run), so there a missing one fails.
  it.skipIf(!canRun && !process.env.CI)(
    'OLA sends Art-Net and sACN into our listeners, and receives our Art-Net and sACN output',
    async () => {
      const { stdout } = await run(
        'unshare',
        ['-n', 'sh', '-c', 'ip link set lo up && exec "$0" --import tsx "$1"', process.execPath, fixture],
        { timeout: 90_000 },
      );
      const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
        olaUp: boolean;
        fromOla: { artnet: boolean; sacn: boolean };
        toOla: { artnet: number[]; sacn: number[] };
        received: { artnet: number; sacn: number };
        rejected: { artnet: Record<string, number>; sacn: Record<string, number> };
        logs: string[];
      };
      expect(result.olaUp).toBe(true);
      // ola_set_dmx -u 1 -d 51 moved `level` to 0.2 over Art-Net: OLA sent it to us because our ArtPollReply
      // listed universe 1; ola_streaming_client put hue's 16-bit pair at 0x8000 over sACN multicast.
      expect(result.fromOla).toEqual({ artnet: true, sacn: true });
      // Our pixel strip (two RGB pixels of the picture's colour) in OLA's Art-Net universe, our cue number (7: the
      // seventh cue) on channel 3 of its sACN universe.
      expect(result.toOla).toEqual({ artnet: [10, 120, 230, 10, 120, 230], sacn: [0, 0, 7] });
      // Nothing OLA sent was malformed by our codecs' reading; what we do not use is counted by name.
      for (const reason of Object.keys(result.rejected.artnet))
        expect(['poll_reply', 'unsupported_op']).toContain(reason);
      expect(result.rejected.sacn).toEqual({});
      expect(result.logs).toEqual([]);
    },
    100_000,
  );
});
