import { useEffect, useRef, useState } from 'preact/hooks';
import { fillPath, rootPaths } from '../../../src/shared/api-paths';
import { publishWhip } from '../whip';
import type { WhipPublication } from '../whip';

type Kind = 'camera' | 'screen';

const CAMERA = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };

/**
 * How the browser captures each kind; the server's slot is /whip/<kind>, listed as the source whip-<kind>. The camera
 * brings the microphone along for the audio modulators, and goes alone when the microphone is refused or missing.
 */
const CAPTURE: Record<Kind, () => Promise<MediaStream>> = {
  camera: () =>
    navigator.mediaDevices
      .getUserMedia({ video: CAMERA, audio: true })
      .catch(() => navigator.mediaDevices.getUserMedia({ video: CAMERA, audio: false })),
  screen: () => navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 30 } }, audio: false }),
};

const LABEL: Record<Kind, [string, string]> = {
  camera: ['Use camera', 'Stop camera'],
  screen: ['Share screen', 'Stop sharing'],
};

/**
 * "Use camera" and "Share screen": the browser captures, publishes to this server over WHIP and makes that the
 * input. Publishing stops with the button, when the tab closes, or from the browser's own stop button.
 */
export function PublishButtons(props: { select(id: string | null): void; failed(message: string): void }) {
  const [live, setLive] = useState<Partial<Record<Kind, 'starting' | 'on'>>>({});
  const publications = useRef<Partial<Record<Kind, WhipPublication>>>({});

  useEffect(() => () => Object.values(publications.current).forEach((p) => p?.close()), []);

  const stop = (kind: Kind) => {
    publications.current[kind]?.close();
    delete publications.current[kind];
    setLive((l) => ({ ...l, [kind]: undefined }));
  };

  const start = async (kind: Kind) => {
    setLive((l) => ({ ...l, [kind]: 'starting' }));
    try {
      if (!navigator.mediaDevices) throw new Error('this page cannot capture: open it over https or on localhost');
      const stream = await CAPTURE[kind]();
      const publication = await publishWhip(fillPath(rootPaths.whipSlot, { slot: kind }), stream);
      publication.onended = () => stop(kind);
      publications.current[kind] = publication;
      setLive((l) => ({ ...l, [kind]: 'on' }));
      props.select(`whip-${kind}`);
    } catch (err) {
      setLive((l) => ({ ...l, [kind]: undefined }));
      props.failed(`${LABEL[kind][0]}: ${(err as Error).message}`);
    }
  };

  return (
    <div class="row publish">
      {(['camera', 'screen'] as const).map((kind) => (
        <button
          key={kind}
          type="button"
          aria-pressed={live[kind] === 'on'}
          disabled={live[kind] === 'starting'}
          onClick={() => void (live[kind] ? stop(kind) : start(kind))}
        >
          {LABEL[kind][live[kind] ? 1 : 0]}
        </button>
      ))}
    </div>
  );
}
