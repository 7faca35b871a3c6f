/**
 * Service events for the panel: control and output services (MIDI, outputs, presets, models) announce changes of
 * their state here and every WebSocket client receives them as `{ type: 'event', topic, data }`.
 */
export type EventListener = (topic: string, data: unknown) => void;

export class EventBus {
  private readonly listeners = new Set<EventListener>();

  emit(topic: string, data: unknown): void {
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
