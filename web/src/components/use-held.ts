import { useEffect, useRef, useState } from 'preact/hooks';

/**
 * A control's shown value: follows the server's value, except while the performer holds the control (dragging,
 * typing), so a change from elsewhere never yanks it out of their hand. On release it shows the server's value.
 */
export function useHeld<T>(remote: T) {
  const [shown, setShown] = useState(remote);
  const held = useRef(false);
  const latest = useRef(remote);
  latest.current = remote;

  useEffect(() => {
    if (!held.current) setShown(remote);
  }, [remote]);

  return {
    shown,
    setShown,
    held,
    hold: () => {
      held.current = true;
    },
    release: () => {
      held.current = false;
      setShown(latest.current);
    },
  };
}
