import { describe, expect, it } from 'vitest';
import { admitOffer } from './offer-quota';
import type { QuotaSession } from './offer-quota';

const limits = { remote: 2, loopback: 3, total: 6 };
const s = (name: string, client: string, connected = false) => ({ name, client, connected });
const names = (v: ReturnType<typeof admitOffer<QuotaSession & { name: string }>>) =>
  v.ok ? v.evict.map((e) => e.name) : v.status;

describe('admitOffer', () => {
  it.each([
    ['a first offer from anyone', [], '10.0.0.9', []],
    ['another machine under its quota', [s('a', '10.0.0.9')], '10.0.0.9', []],
    ['another machine at its quota is refused', [s('a', '10.0.0.9'), s('b', '10.0.0.9')], '10.0.0.9', 429],
    ['connected sessions do not count against it', [s('a', '10.0.0.9', true), s('b', '10.0.0.9')], '10.0.0.9', []],
    ['one machine does not use up another', [s('a', '10.0.0.9'), s('b', '10.0.0.9')], '10.0.0.7', []],
    [
      'this machine at its quota loses its oldest pending offer',
      [s('a', '127.0.0.1'), s('b', '::1'), s('c', '::ffff:127.0.0.1')],
      '127.0.0.1',
      ['a'],
    ],
    [
      '... never a connected one',
      [s('v', '127.0.0.1', true), s('a', '127.0.0.1'), s('b', '127.0.0.1'), s('c', '127.0.0.1')],
      '127.0.0.1',
      ['a'],
    ],
    [
      "... never another machine's",
      [s('r', '10.0.0.9'), s('a', '127.0.0.1'), s('b', '127.0.0.1'), s('c', '127.0.0.1')],
      '127.0.0.1',
      ['a'],
    ],
    [
      'a full output makes room with the oldest pending session',
      [
        s('v1', '10.0.0.1', true),
        s('p', '10.0.0.2'),
        s('v2', '10.0.0.3', true),
        s('v3', '10.0.0.4', true),
        s('v4', '10.0.0.5', true),
        s('v5', '10.0.0.6', true),
      ],
      '10.0.0.8',
      ['p'],
    ],
    [
      'a full output of connected viewers refuses',
      [1, 2, 3, 4, 5, 6].map((i) => s(`v${i}`, `10.0.0.${i}`, true)),
      '127.0.0.1',
      503,
    ],
  ] as [string, (QuotaSession & { name: string })[], string, string[] | number][])(
    '%s',
    (_what, sessions, client, expected) => {
      expect(names(admitOffer(sessions, client, limits))).toEqual(expected);
    },
  );

  it('says why a refusal happened, in a sentence naming the address', () => {
    const verdict = admitOffer([s('a', '10.0.0.9'), s('b', '10.0.0.9')], '10.0.0.9', limits);
    expect(verdict).toMatchObject({ ok: false, status: 429, reason: 'pending_per_client' });
    expect(!verdict.ok && verdict.message).toMatch(/2 sessions from 10\.0\.0\.9 have not connected yet/);
  });

  it('a local script holding pending offers cannot keep a local viewer out: each new offer gets in', () => {
    const sessions: (QuotaSession & { name: string })[] = [];
    for (let i = 0; i < 50; i++) {
      const verdict = admitOffer(sessions, '127.0.0.1', limits);
      expect(verdict.ok).toBe(true);
      if (!verdict.ok) return;
      for (const e of verdict.evict) sessions.splice(sessions.indexOf(e), 1);
      sessions.push(s(`script${i}`, '127.0.0.1'));
    }
    expect(sessions.length).toBe(limits.loopback);
    expect(admitOffer(sessions, '127.0.0.1', limits).ok).toBe(true);
  });
});
