import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const fixture = fileURLToPath(new URL('./test-mdns-netns.ts', import.meta.url));

// A namespace of our own has only a loopback interface; with multicast switched on there, mDNS packets go from
// the advertiser to the browser and nowhere else. Creating one needs root (CI and the dev machines run as root).
const canUnshare = process.platform === 'linux' && process.getuid?.() === 0;
const setup = 'ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo';

// Outside CI a machine without it skips; CI installs it, so there a missing one fails instead of skipping.
describe.skipIf(!canUnshare && !process.env.CI)(
  'mDNS advertisement seen by a DNS-SD browser (private network namespace)',
  () => {
    it('a browser finds _oscjson._tcp and _osc._udp on the real ports, and sees them go on stop', async () => {
      const { stdout } = await run(
        'unshare',
        ['-n', 'sh', '-c', `${setup} && exec "$0" --import tsx "$1"`, process.execPath, fixture],
        { timeout: 25_000 },
      );
      const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
        ports: { oscQuery: number; osc: number };
        up: { name: string; type: string; protocol: string; port: number }[];
        down: string[];
      };
      expect(result.ports.oscQuery).toBeGreaterThan(0);
      expect(result.up).toEqual(
        expect.arrayContaining([
          { name: 'daydream-scope', type: 'oscjson', protocol: 'tcp', port: result.ports.oscQuery },
          { name: 'daydream-scope', type: 'osc', protocol: 'udp', port: result.ports.osc },
        ]),
      );
      expect(result.down.sort()).toEqual(['osc/udp', 'oscjson/tcp']);
    }, 30_000);
  },
);
