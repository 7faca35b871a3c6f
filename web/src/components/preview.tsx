import { useEffect, useRef, useState } from 'preact/hooks';
import { apiPaths, apiUrl } from '../../../src/shared/api-paths';
import { openWhep } from '../whep';
import { webrtcUrls } from '../services';
import type { OutputInfo } from '../services';

/** The WHEP endpoint of an available, enabled WebRTC output, if the server has one. */
export function whepUrl(outputs: OutputInfo[] | null): string | null {
  // The conditioning picture's WHEP is another output's; the preview shows the engine's frames.
  const out = outputs?.find((o) => o.kind === 'webrtc' && o.source !== 'conditioning' && o.available && o.enabled);
  return out ? webrtcUrls(out).whep : null;
}

/**
 * The live picture: WebRTC (WHEP) when the server offers it, which has lower latency; otherwise, or when WebRTC
 * fails, the MJPEG stream, which works everywhere.
 */
export function Preview({ outputs, paused }: { outputs: OutputInfo[] | null; paused: boolean }) {
  const whep = whepUrl(outputs);
  const video = useRef<HTMLVideoElement>(null);
  const [mode, setMode] = useState<'mjpeg' | 'webrtc'>('mjpeg');
  const [mjpegKey, setMjpegKey] = useState(0);

  useEffect(() => {
    if (!whep || typeof RTCPeerConnection === 'undefined') return;
    let session: { close(): void } | undefined;
    let gone = false;
    openWhep(whep)
      .then((s) => {
        if (gone) return s.close();
        session = s;
        if (video.current) video.current.srcObject = s.stream;
        setMode('webrtc');
      })
      .catch(() => {
        // MJPEG keeps showing; WebRTC is an improvement, not a requirement.
        if (!gone) setMode('mjpeg');
      });
    return () => {
      gone = true;
      session?.close();
      setMode('mjpeg');
    };
  }, [whep]);

  return (
    <div class={`preview${paused ? ' paused' : ''}`}>
      {mode === 'mjpeg' && (
        <img
          key={mjpegKey}
          src={apiUrl(apiPaths.stream)}
          alt="live output"
          // A dropped stream (server restart) shows a broken image; ask again shortly.
          onError={() => setTimeout(() => setMjpegKey((k) => k + 1), 1000)}
        />
      )}
      <video ref={video} muted autoPlay playsInline hidden={mode !== 'webrtc'} />
      <span class="preview-mode" title={mode === 'webrtc' ? 'WebRTC (WHEP)' : 'MJPEG stream'}>
        {mode === 'webrtc' ? 'WebRTC' : 'MJPEG'}
      </span>
      {paused && <span class="paused-badge">PAUSED</span>}
    </div>
  );
}
