import { describe, expect, it } from 'vitest';
import { flagsHelp, optionsFromFlags, parseArgsOptions } from './flags';

describe('the DMX flags', () => {
  it.each([
    [{ artnet: true }, { artnet: 6454 }],
    [
      { sacn: true, 'dmx-merge': 'htp' },
      { sacn: 5568, dmxMerge: 'htp' },
    ],
    [{ 'dmx-out': 'artnet' }, { dmxOut: { protocol: 'artnet', host: '127.0.0.1' } }],
    [{ 'dmx-out': 'sacn:multicast' }, { dmxOut: { protocol: 'sacn', host: 'multicast' } }],
    [
      { 'dmx-out': 'artnet:2.255.255.255', 'dmx-layout': 'wall.json' },
      { dmxOut: { protocol: 'artnet', host: '2.255.255.255' }, dmxLayout: 'wall.json' },
    ],
  ])('%j sets %j', (values, options) => {
    expect(optionsFromFlags(values, {})).toEqual({ ok: true, options });
  });

  it.each([
    [{ 'dmx-out': 'dmx' }, '--dmx-out: expected artnet or sacn'],
    [{ 'dmx-merge': 'both' }, '--dmx-merge:'],
  ])('refuses %j with a sentence', (values, sentence) => {
    const result = optionsFromFlags(values, {});
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(sentence);
  });

  it('are in the parser table and the help', () => {
    expect(parseArgsOptions()).toMatchObject({
      artnet: { type: 'boolean' },
      sacn: { type: 'boolean' },
      'dmx-out': { type: 'string' },
    });
    expect(flagsHelp()).toContain('--artnet');
    expect(flagsHelp()).toContain('--dmx-layout <file>');
  });
});
