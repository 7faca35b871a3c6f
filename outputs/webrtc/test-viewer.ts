/** A WHEP viewer for tests and the bench: @roamhq/wrtc in-process, talking to the real HTTP endpoint. */
import { iceGathered, requireWrtc } from '../../src/media/wrtc';
import { loopbackOnly, sinkFrameToImage } from '../test-support';
import type { SinkFrame } from '../test-support';
import type { Image } from '../../src/engine/frame';

export interface TestViewer {
  response: Response;
  answer: string;
  /** The first decoded frame (RGBA) for which `where` holds. */
  frame(where?: (image: Image) => boolean, timeoutMs?: number): Promise<Image>;
  decoded: number;
  /** Sends DELETE (as a polite WHEP player does) and closes the peer. */
  close(): Promise<void>;
}

export async function whepViewer(baseUrl: string, path = '/whep'): Promise<TestViewer> {
  const { RTCPeerConnection, nonstandard } = requireWrtc();
  const pc = new RTCPeerConnection();
  pc.addTransceiver('video', { direction: 'recvonly' });
  let sink: InstanceType<typeof nonstandard.RTCVideoSink> | undefined;
  const waiters = new Set<(image: Image) => void>();
  const viewer = { decoded: 0 } as TestViewer;
  pc.ontrack = (e) => {
    sink = new nonstandard.RTCVideoSink(e.track);
    sink.onframe = ({ frame }: { frame: SinkFrame }) => {
      viewer.decoded++;
      if (waiters.size === 0) return;
      const image = sinkFrameToImage(frame);
      for (const w of [...waiters]) w(image);
    };
  };
  await pc.setLocalDescription(await pc.createOffer());
  await iceGathered(pc, 3000);
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/sdp' },
    body: loopbackOnly(pc.localDescription!.sdp),
  });
  const answer = await response.text();
  if (response.status !== 201) {
    pc.close();
    throw new Error(`WHEP answered ${response.status}: ${answer}`);
  }
  await pc.setRemoteDescription({ type: 'answer', sdp: loopbackOnly(answer) });
  return Object.assign(viewer, {
    response,
    answer,
    frame: (where: (image: Image) => boolean = () => true, timeoutMs = 15_000) =>
      new Promise<Image>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching frame within ${timeoutMs} ms (${viewer.decoded} decoded)`));
        }, timeoutMs);
        const check = (image: Image) => {
          if (!where(image)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(image);
        };
        waiters.add(check);
      }),
    close: async () => {
      sink?.stop();
      pc.close();
      const location = response.headers.get('location');
      if (location) await fetch(new URL(location, baseUrl), { method: 'DELETE' }).catch(() => undefined);
    },
  });
}
