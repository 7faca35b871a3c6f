import { useEffect, useRef } from 'preact/hooks';

export interface ShortcutHandlers {
  togglePause(): void;
  /** 0-based preset index, from the keys 1-9. */
  recallPreset(index: number): void;
  toggleHelp(): void;
  closeHelp(): void;
  /** T: tap tempo; G: go to the next cue. */
  tap?(): void;
  go?(): void;
}

/** True when a key press belongs to a field the performer is typing in. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    // A focused switch or slider is not typing: space should still pause.
    return !['checkbox', 'radio', 'range', 'button', 'color'].includes(target.type);
  }
  return false;
}

/** The panel's keys: space pauses, 1-9 recall presets, ? shows the list, Escape closes it. */
export function useShortcuts(handlers: ShortcutHandlers): void {
  // One listener for the page's life; it calls whatever handlers the latest render gave.
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const h = ref.current;
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      if (e.key === ' ') {
        // On a focused button space would also click it; on stage space means pause, always.
        e.preventDefault();
        if (!e.repeat) h.togglePause();
      } else if (/^[1-9]$/.test(e.key)) {
        h.recallPreset(Number(e.key) - 1);
      } else if ((e.key === 't' || e.key === 'T') && !e.repeat) {
        h.tap?.();
      } else if ((e.key === 'g' || e.key === 'G') && !e.repeat) {
        h.go?.();
      } else if (e.key === '?') {
        h.toggleHelp();
      } else if (e.key === 'Escape') {
        h.closeHelp();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

const KEYS: [string, string][] = [
  ['Space', 'pause / resume rendering'],
  ['T', 'tap tempo'],
  ['G', 'go: the next cue'],
  ['1 – 9', 'recall preset 1 – 9 of this pipeline'],
  ['?', 'show / hide this list'],
  ['Esc', 'close this list; in a field: undo the edit'],
  ['Double-click a slider', 'back to its default'],
  ['↑ ↓ in a number field', 'step (Shift: ×10)'],
];

export function ShortcutsOverlay({ onClose }: { onClose: () => void }) {
  return (
    <div class="overlay" role="dialog" aria-label="Keyboard shortcuts" onClick={onClose}>
      <div class="sheet" onClick={(e) => e.stopPropagation()}>
        <h2>Keyboard</h2>
        <dl>
          {KEYS.map(([k, what]) => (
            <div key={k}>
              <dt>
                <kbd>{k}</kbd>
              </dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
        <p class="dim">Keys are ignored while typing in a field.</p>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
