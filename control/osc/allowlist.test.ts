import { describe, expect, it } from 'vitest';
import { parseAllowlist } from './allowlist';

describe('the OSC sender allowlist', () => {
  const list = parseAllowlist(['192.168.1.20', '10.0.0.0/24', 'fd00::/8']);
  it.each([
    ['127.0.0.1', true],
    ['127.4.5.6', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['192.168.1.20', true],
    ['::ffff:192.168.1.20', true],
    ['192.168.1.21', false],
    ['10.0.0.255', true],
    ['10.0.1.1', false],
    ['fd12::5', true],
    ['fe80::1', false],
    ['not an address', false],
  ])('%s: %s', (address, allowed) => expect(list.allows(address)).toBe(allowed));

  it.each(['192.168.1', '10.0.0.0/33', '10.0.0.0/x', 'fd00::/129', '1.2.3.4/8/9', 'host.example'])(
    'refuses %s with a sentence',
    (entry) => expect(() => parseAllowlist([entry])).toThrow(/--osc-allow/),
  );
});
