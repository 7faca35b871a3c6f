import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { LinkTempoSource, linkAvailability } from './link';
import { TempoClock } from '../../src/perform';

const run = promisify(execFile);
const fixture = fileURLToPath(new URL('./test-link-netns.ts', import.meta.url));

// Link discovers peers by multicast. In a namespace of our own there is only loopback, so the two peers find each
// other there and nowhere else. Creating one needs root (CI and the dev machines run as root).
const canUnshare = process.platform === 'linux' && process.getuid?.() === 0;
const setup = 'ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo';

describe('Ableton Link', () => {
  it('the optional package is installed here (CI builds it with node-gyp)', () => {
    expect(linkAvailability()).toEqual({ available: true });
    expect(new LinkTempoSource(new TempoClock()).status()).toEqual({ available: true, enabled: false, peers: 0 });
  });

  // Outside CI a machine without it skips; CI installs it, so there a missing one fails instead of skipping.
  it.skipIf(!canUnshare && !process.env.CI)(
    'two peers on loopback agree on tempo and phase, and a tempo set here reaches the peer',
    async () => {
      const { stdout } = await run(
        'unshare',
        ['-n', 'sh', '-c', `${setup} && exec "$0" --import tsx "$1"`, process.execPath, fixture],
        { timeout: 40_000 },
      );
      const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
        joined: boolean;
        agreedBpm: number;
        bpm: number;
        source: string;
        maxPhaseErrorBeats: number;
        followed: boolean;
      };
      expect(result).toMatchObject({ joined: true, bpm: 100, followed: true });
      // One of the two sessions' tempos, whichever Link kept when they merged.
      expect([120, 128]).toContain(result.agreedBpm);
      // Two processes on one machine: well under a millisecond at 128 bpm (0.002 beats is about 1 ms).
      expect(result.maxPhaseErrorBeats).toBeLessThan(0.002);
    },
    45_000,
  );
});
