/**
 * The list of mappings and the rules for changing it: add, adjust, remove, replace all. Requests that cannot be
 * honoured throw the HTTP layer's error, so routes and WebSocket handlers pass them on as they are.
 */
import { randomBytes } from 'node:crypto';
import { ScopeError } from '../../src/kernel/errors';
import type { MappingPatch, MidiControl, MidiMapping, NewMapping, NoteMode } from '../../src/shared/midi';
import type { ParamSpec } from '../../src/params/spec';

export const notFound = (id: string) => new ScopeError('not_found', `no MIDI mapping with id "${id}"`);

/** Refuses parameters no control can drive (text, colour) and names that do not exist. */
export function mappableSpec(param: string, spec: ParamSpec | undefined, known: string[]): ParamSpec {
  if (!spec) {
    const list = known.join(', ') || '(none)';
    throw new ScopeError('unknown_parameter', `unknown parameter "${param}"; known: ${list}`);
  }
  if (spec.kind === 'text' || spec.kind === 'color') {
    throw new ScopeError('invalid_body', `"${param}" is a ${spec.kind} parameter; MIDI cannot drive it`);
  }
  return spec;
}

/** Whether two controls are the same physical control (a note's mode aside). */
export function sameControl(a: MidiControl, b: MidiControl): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'note' && b.kind === 'note') return a.note === b.note;
  if ('number' in a && 'number' in b) return a.number === b.number;
  return true;
}

/** The note mode learn picks when a note moves: toggles for switches, momentary for numbers, else a trigger. */
export function defaultNoteMode(spec: ParamSpec): NoteMode {
  if (spec.kind === 'bool') return 'toggle';
  return spec.kind === 'number' || spec.kind === 'int' ? 'momentary' : 'trigger';
}

/** The curve a new mapping starts with: the parameter's own for numbers. */
export const defaultCurve = (spec: ParamSpec | undefined): MidiMapping['curve'] =>
  spec?.kind === 'number' ? spec.curve : 'linear';

function checkRange(m: Pick<MidiMapping, 'min' | 'max'>): void {
  if (m.min !== null && m.max !== null && m.min === m.max) {
    throw new ScopeError('invalid_body', `min and max are both ${m.min}; a mapping needs a range`);
  }
}

export class MappingBook {
  private list: MidiMapping[] = [];

  all(): MidiMapping[] {
    return [...this.list];
  }

  get(id: string): MidiMapping | undefined {
    return this.list.find((m) => m.id === id);
  }

  /** A new id no mapping has. */
  newId(): string {
    let id: string;
    do id = `m${randomBytes(4).toString('hex')}`;
    while (this.get(id));
    return id;
  }

  /** A mapping from a request (added to the list) or from learn (not yet: see bind); defaults filled in. */
  add(body: NewMapping, spec: ParamSpec | undefined, { keep = true } = {}): MidiMapping {
    if (body.id !== undefined && this.get(body.id)) throw new ScopeError('invalid_body', `id "${body.id}" is taken`);
    const mapping: MidiMapping = {
      id: body.id ?? this.newId(),
      param: body.param,
      device: body.device ?? null,
      channel: body.channel ?? null,
      control: body.control,
      min: body.min ?? null,
      max: body.max ?? null,
      curve: body.curve ?? defaultCurve(spec),
      invert: body.invert ?? false,
      softTakeover: body.softTakeover ?? false,
      ...(body.quantize === undefined ? {} : { quantize: body.quantize }),
    };
    checkRange(mapping);
    if (keep) this.list.push(mapping);
    return mapping;
  }

  /** Adds a learned mapping, replacing any mapping of the same control on the same device and channel. */
  bind(mapping: MidiMapping): MidiMapping[] {
    const replaced = this.list.filter(
      (m) => m.device === mapping.device && m.channel === mapping.channel && sameControl(m.control, mapping.control),
    );
    this.list = this.list.filter((m) => !replaced.includes(m));
    this.list.push(mapping);
    return replaced;
  }

  patch(id: string, patch: MappingPatch): MidiMapping {
    const index = this.list.findIndex((m) => m.id === id);
    if (index < 0) throw notFound(id);
    const old = this.list[index]!;
    const { mode, ...rest } = patch;
    if (mode !== undefined && old.control.kind !== 'note') {
      throw new ScopeError('invalid_body', `mode applies to note mappings; "${id}" is a ${old.control.kind} mapping`);
    }
    const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    const next: MidiMapping = { ...old, ...defined };
    if (mode !== undefined && old.control.kind === 'note') next.control = { ...old.control, mode };
    checkRange(next);
    this.list[index] = next;
    return next;
  }

  remove(id: string): void {
    if (!this.get(id)) throw notFound(id);
    this.list = this.list.filter((m) => m.id !== id);
  }

  /** Replaces every mapping; the caller has validated the whole list. */
  replace(mappings: MidiMapping[]): void {
    for (const m of mappings) checkRange(m);
    this.list = [...mappings];
  }
}
