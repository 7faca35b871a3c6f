import { describe, expect, it } from 'vitest';
import { serviceConfigs } from './mdns';

// The records alone; mdns-netns.test.ts sees the real advertisement in a browser on a network of its own.
describe('mDNS service records', () => {
  it('advertises _oscjson._tcp on the OSCQuery port and _osc._udp on the OSC port', () => {
    expect(serviceConfigs({ name: 'scope', httpPort: 8001, oscPort: 8000 })).toEqual([
      { name: 'scope', type: 'oscjson', protocol: 'tcp', port: 8001 },
      { name: 'scope', type: 'osc', protocol: 'udp', port: 8000 },
    ]);
  });

  it('leaves _osc._udp out when OSC is off', () => {
    expect(serviceConfigs({ name: 'scope', httpPort: 8001, oscPort: 0 }).map((c) => c.type)).toEqual(['oscjson']);
  });
});
