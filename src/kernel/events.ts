/**
 * Service events for the panel: control, output and perform services announce changes of their state here and
 * every WebSocket client receives them as `{ type: 'event', topic, data }`. Topics and their data are those of
 * src/shared/event-topics.ts: an unknown topic or data of another shape does not compile.
 */
import type { EventData, EventTopic } from '../shared/event-topics';

/** Told every event (`topicEvent(topic, data)` makes it one value whose `data` narrows with its `topic`). */
export type EventListener = <K extends EventTopic>(topic: K, data: EventData<K>) => void;

/** What a service needs to announce its changes (EventBus, or a stand-in in a test or a command). */
export interface EventSink {
  emit<K extends EventTopic>(topic: K, data: EventData<K>): void;
}

export class EventBus implements EventSink {
  private readonly listeners = new Set<EventListener>();

  emit<K extends EventTopic>(topic: K, data: EventData<K>): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(topic, data);
      } catch {
        // A listener's failure is its own; the others are still told.
      }
    }
  }

  on(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
