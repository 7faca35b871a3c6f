/**
 * The DMX mappings and the rules for changing them. Requests that cannot be honoured throw the HTTP layer's error
 * with a sentence, before anything changed.
 */
import { randomBytes } from 'node:crypto';
import { ScopeError } from '../../src/kernel/errors';
import type { DmxMapping, NewDmxMapping } from '../../src/shared/dmx';
import type { ParamSpec } from '../../src/params/spec';

/** Where a mapping reads from: one key per protocol and universe. */
export const universeKey = (m: Pick<DmxMapping, 'protocol' | 'universe'>): string => `${m.protocol}:${m.universe}`;

/** Refuses parameters no channel can drive (text, colour) and, given `known`, names that do not exist. */
export function mappableSpec(param: string, spec: ParamSpec | undefined, known: string[] | undefined): void {
  if (!spec && known) {
    throw new ScopeError('unknown_parameter', `unknown parameter "${param}"; known: ${known.join(', ') || '(none)'}`);
  }
  if (spec?.kind === 'text' || spec?.kind === 'color') {
    throw new ScopeError('invalid_body', `"${param}" is a ${spec.kind} parameter; DMX cannot drive it`);
  }
}

/** Whether two mappings read a channel in common (their coarse or fine bytes; a missing fine byte is none). */
export function sharesChannel(
  a: Pick<DmxMapping, 'channel' | 'fine'>,
  b: Pick<DmxMapping, 'channel' | 'fine'>,
): boolean {
  const mine = [a.channel, a.fine].filter((c) => c !== null);
  return [b.channel, b.fine].some((c) => c !== null && mine.includes(c));
}

const newId = (taken: Set<string>) => {
  let id: string;
  do id = `d${randomBytes(4).toString('hex')}`;
  while (taken.has(id));
  return id;
};

/**
 * A whole list checked and with its defaults filled in: ids unique, ranges not empty, one mapping per channel
 * (two mappings reading one channel would fight over nothing, but two writing one parameter is allowed).
 */
export function completeMappings(
  list: NewDmxMapping[],
  spec: (param: string) => ParamSpec | undefined,
  existing: DmxMapping[] = [],
): DmxMapping[] {
  const taken = new Set(existing.map((m) => m.id));
  const out: DmxMapping[] = [...existing];
  for (const [i, body] of list.entries()) {
    const where = `mapping ${i + 1} ("${body.param}")`;
    if (body.id !== undefined && taken.has(body.id)) {
      throw new ScopeError('invalid_body', `${where}: id "${body.id}" is taken; nothing changed`);
    }
    const s = spec(body.param);
    try {
      mappableSpec(body.param, s, undefined);
    } catch (err) {
      throw new ScopeError('invalid_body', `${where}: ${(err as Error).message}; nothing changed`);
    }
    const m: DmxMapping = {
      id: body.id ?? newId(taken),
      param: body.param,
      protocol: body.protocol,
      universe: body.universe,
      channel: body.channel,
      fine: body.fine ?? null,
      min: body.min ?? null,
      max: body.max ?? null,
      curve: body.curve ?? (s?.kind === 'number' ? s.curve : 'linear'),
      invert: body.invert ?? false,
    };
    if (m.min !== null && m.max !== null && m.min === m.max) {
      throw new ScopeError('invalid_body', `${where}: min and max are both ${m.min}; a mapping needs a range`);
    }
    const clash = out.find((o) => universeKey(o) === universeKey(m) && sharesChannel(o, m));
    if (clash) {
      throw new ScopeError(
        'invalid_body',
        `${where}: ${m.protocol} universe ${m.universe} channel ${m.channel}${m.fine === null ? '' : `/${m.fine}`} is already read by "${clash.param}"; nothing changed`,
      );
    }
    taken.add(m.id);
    out.push(m);
  }
  return out;
}

export class DmxMappingBook {
  private list: DmxMapping[] = [];
  private byUniverse = new Map<string, DmxMapping[]>();

  all(): DmxMapping[] {
    return [...this.list];
  }

  /** The mappings reading `key` (protocol:universe). */
  on(key: string): readonly DmxMapping[] {
    return this.byUniverse.get(key) ?? [];
  }

  /** The universes some mapping reads, for the sACN multicast groups and the ArtPollReply. */
  universes(protocol: DmxMapping['protocol']): number[] {
    return [...new Set(this.list.filter((m) => m.protocol === protocol).map((m) => m.universe))].sort((a, b) => a - b);
  }

  /** Replaces the list with one completeMappings() accepted. */
  replace(mappings: DmxMapping[]): void {
    this.list = [...mappings];
    this.byUniverse = new Map();
    for (const m of this.list) {
      const key = universeKey(m);
      this.byUniverse.set(key, [...(this.byUniverse.get(key) ?? []), m]);
    }
  }
}
