import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FLAGS, flagsHelp, optionsFromFlags } from './flags';

describe('the flag table', () => {
  it.each([
    [{ port: '9000' }, { port: 9000 }],
    [{ pipeline: 'none' }, { pipeline: null }],
    [
      { 'osc-port': 'off', 'oscquery-port': '9100' },
      { oscPort: null, oscQueryPort: 9100 },
    ],
    [{ 'midi-in': ['2', 'Launch'] }, { midiInputs: [2, 'Launch'] }],
    [{ plugin: ['examples/plugin-kaleidoscope', './my.js'] }, { plugins: ['examples/plugin-kaleidoscope', './my.js'] }],
    [{ mdns: true }, { mdns: true }],
    [{ 'no-mdns': true }, { mdns: false }],
    [{ 'no-midi': true }, { midi: false }],
    [
      { 'osc-allow': ['10.0.0.0/24'], 'allowed-host': ['scope.local'] },
      { oscAllow: ['10.0.0.0/24'], allowedHosts: ['scope.local'] },
    ],
    [{ 'whip-push': 'https://sfu.example/whip/stage' }, { whipPush: 'https://sfu.example/whip/stage' }],
    [
      { nats: 'nats://10.0.0.5:4222', show: 'club-night' },
      { nats: 'nats://10.0.0.5:4222', show: 'club-night' },
    ],
    [
      { clock: 'fixed-step', fps: '60' },
      { clock: 'fixed-step', fps: 60 },
    ],
    [
      { 'memory-budget': '4GB', warm: '2' },
      { memoryBudget: 4 * 1024 ** 3, warm: 2 },
    ],
    [
      { 'memory-budget': 'off', isolation: 'worker' },
      { memoryBudget: null, isolation: 'worker' },
    ],
  ])('%j sets %j', (values, options) => {
    expect(optionsFromFlags(values, {})).toEqual({ ok: true, options });
  });

  it.each([
    [{ port: '0x1F90' }, '--port: expected a number written plainly'],
    [{ fps: ' 30 ' }, '--fps: expected a number written plainly'],
    [{ 'memory-budget': 'lots' }, '--memory-budget: expected a size such as 4GB or 512MB, or off'],
    [{ warm: '9' }, '--warm: '],
  ])('refuses %j', (values, line) => {
    const result = optionsFromFlags(values, {});
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(line);
  });

  it('takes PIPELINE and DAYDREAM_SCOPE_DEVICE from the environment when the flags are not given', () => {
    const env = { PIPELINE: 'test-pattern', DAYDREAM_SCOPE_DEVICE: 'cpu' };
    expect(optionsFromFlags({}, env)).toEqual({ ok: true, options: { pipeline: 'test-pattern', device: 'cpu' } });
    expect(optionsFromFlags({ pipeline: 'neural-field' }, env)).toMatchObject({
      options: { pipeline: 'neural-field' },
    });
  });

  it('takes the WHIP token from DAYDREAM_SCOPE_WHIP_TOKEN, and refuses a WHIP URL that is not http(s)', () => {
    expect(optionsFromFlags({}, { DAYDREAM_SCOPE_WHIP_TOKEN: 'abc' })).toEqual({
      ok: true,
      options: { whipToken: 'abc' },
    });
    const bad = optionsFromFlags({ 'whip-push': 'rtmp://example/live' }, {});
    expect(bad).toMatchObject({ ok: false, message: expect.stringMatching(/^--whip-push: expected an http/) });
  });

  it('refuses bad values with one line per flag, naming the flag', () => {
    const result = optionsFromFlags({ port: '99999', 'cors-origin': ['http://x.example/'], clock: 'sundial' }, {});
    expect(result.ok).toBe(false);
    const lines = !result.ok ? result.message.split('\n') : [];
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^--port: /);
    expect(lines.some((l) => l.startsWith('--cors-origin: expected an origin'))).toBe(true);
    expect(lines.some((l) => l.startsWith('--clock: '))).toBe(true);
  });

  it('--help and the README (or a page of docs/ it leads to) list every flag', () => {
    const help = flagsHelp();
    const docs = new URL('../docs/', import.meta.url);
    const pages = readdirSync(docs).filter((f) => f.endsWith('.md'));
    const readme = [new URL('../README.md', import.meta.url), ...pages.map((f) => new URL(f, docs))]
      .map((page) => readFileSync(page, 'utf8'))
      .join('\n');
    for (const f of FLAGS) {
      expect(help).toContain(`--${f.name}`);
      expect(readme, `neither README's flag table nor docs/ lists --${f.name}`).toContain(`\`--${f.name}`);
    }
  });
});
