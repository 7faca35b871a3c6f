/** The MIDI service's shapes come from src/shared/midi.ts (shared with control/midi); this adds how they read. */
import type { MidiMapping } from '../../src/shared/midi';

export type { MappingPatch, MidiMapping, MidiStatus } from '../../src/shared/midi';

/** "CC 21 ch1", "Note 36 ch10", "Pitch bend": how a mapping's control reads on a button. */
export function describeControl(m: Pick<MidiMapping, 'control' | 'channel'>): string {
  const c = m.control;
  let what: string;
  switch (c.kind) {
    case 'cc':
      what = `CC ${c.number}`;
      break;
    case 'cc14':
      what = `CC14 ${c.number}`;
      break;
    case 'nrpn':
      what = `NRPN ${c.number}`;
      break;
    case 'rpn':
      what = `RPN ${c.number}`;
      break;
    case 'note':
      what = `Note ${c.note}`;
      break;
    case 'pitchbend':
      what = 'Pitch bend';
      break;
    case 'program':
      what = 'Program';
      break;
  }
  // Channels are counted 1-16 in the shared schema, as on every device's label; null means any channel.
  return m.channel === null ? what : `${what} ch${m.channel}`;
}
