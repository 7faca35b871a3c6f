/**
 * Values OSCQuery streams to its LISTENers from the server's events (the topics of src/shared/event-topics.ts): a
 * command's address that has a current value carries it, so a controller that sets the tempo at `/scope/tempo/bpm`
 * also hears it change there, whoever changed it. Other topics have no address of their own.
 */
import { OSC_PREFIX } from '../osc/addresses';
import type { OscArg } from '../osc/codec';
import type { TopicEvent } from '../../src/shared/event-topics';

export function eventValues(event: TopicEvent): { address: string; arg: OscArg }[] {
  switch (event.topic) {
    case 'tempo':
      return [{ address: `${OSC_PREFIX}/tempo/bpm`, arg: { type: 'f', value: event.data.bpm } }];
    default:
      return [];
  }
}
