import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eventTopicNames, parseEvent } from './event-topics';
import { serverMessageSchema } from './messages';

describe('the event topic table', () => {
  it('is the list docs/websocket.md gives clients, row for row', () => {
    const doc = readFileSync(new URL('../../docs/websocket.md', import.meta.url), 'utf8');
    const rows = [...doc.matchAll(/^\| `([a-z-]+)` +\|/gm)].map((m) => m[1]);
    expect(rows.sort()).toEqual([...eventTopicNames].sort());
  });

  it('parses data of its topic, and refuses another topic or another shape', () => {
    const input = { source: 'feedback', fit: 'cover' };
    expect(parseEvent('input', input)).toEqual({ topic: 'input', data: input });
    expect(parseEvent('input', { source: 1, fit: 'cover' })).toBeNull();
    expect(parseEvent('no-such-topic', input)).toBeNull();
    expect(parseEvent('takes-playing', null)).toEqual({ topic: 'takes-playing', data: null });
  });

  it('is what a /ws event message is checked against, for every topic', () => {
    for (const topic of eventTopicNames) {
      // Data that no topic's schema takes: each topic's member of the union is consulted, none is missing.
      const parsed = serverMessageSchema.safeParse({ type: 'event', topic, data: { surely: 'not' } });
      expect(parsed.success, topic).toBe(false);
      expect(parsed.error?.issues[0]?.path[0], topic).toBe('data');
    }
    expect(serverMessageSchema.safeParse({ type: 'event', topic: 'nope', data: null }).success).toBe(false);
  });
});
