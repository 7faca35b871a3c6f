/** Which OSC senders are trusted in LAN mode: addresses and CIDR ranges from --osc-allow, loopback always. */
import { BlockList, isIP } from 'node:net';

export interface SenderAllowlist {
  allows(address: string): boolean;
}

/** Parses `--osc-allow` entries (`192.168.1.20`, `10.0.0.0/24`, `fe80::/10`); a bad entry throws a sentence. */
export function parseAllowlist(entries: string[]): SenderAllowlist {
  const list = new BlockList();
  for (const loopback of ['127.0.0.0/8']) list.addSubnet(loopback.split('/')[0]!, 8, 'ipv4');
  list.addAddress('::1', 'ipv6');
  for (const entry of entries) {
    const [address = '', prefix, ...rest] = entry.trim().split('/');
    const family = isIP(address);
    if (family === 0 || rest.length > 0) throw new Error(`--osc-allow ${entry}: expected an address or CIDR range`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) {
      list.addAddress(address, type);
      continue;
    }
    const bits = Number(prefix);
    if (!/^\d+$/.test(prefix) || bits > (family === 4 ? 32 : 128)) {
      throw new Error(`--osc-allow ${entry}: the prefix length must be 0-${family === 4 ? 32 : 128}`);
    }
    list.addSubnet(address, bits, type);
  }
  return {
    allows: (address) => {
      const family = isIP(address);
      return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}
