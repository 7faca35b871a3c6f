/**
 * For tests: NDI on loopback only. Must run before the runtime starts (before loadNdi()): NDI then looks for
 * sources on 127.0.0.1 and senders, told of a discovery server (there is none), skip mDNS; no multicast leaves
 * the machine.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function useNdiLoopback(): void {
  const dir = mkdtempSync(join(tmpdir(), 'scope-ndi-'));
  const config = {
    ndi: {
      networks: { ips: '127.0.0.1', discovery: '127.0.0.1:1' },
      adapters: { allowed: ['127.0.0.1'] },
      multicast: { send: { enable: false }, recv: { enable: false } },
    },
  };
  writeFileSync(join(dir, 'ndi-config.v1.json'), JSON.stringify(config));
  process.env.NDI_CONFIG_DIR = dir;
}
