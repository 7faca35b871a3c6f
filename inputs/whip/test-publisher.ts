/** A WHIP publisher for tests and the bench: @roamhq/wrtc in-process sending known pictures to the real endpoint. */
import { rgbaToI420 } from '../../src/media/from-rgba';
import { iceGathered, requireWrtc } from '../../src/media/wrtc';
import { codedPicture, loopbackOnly } from '../test-support';

export interface PublisherOptions {
  width: number;
  height: number;
  fps: number;
  /** RGB of the left and right halves. */
  left: number[];
  right: number[];
  /** Offer audio too (a publisher like OBS does); the server answers it inactive unless someone listens. */
  audio: boolean;
  /** With `audio`: a sine at this frequency (Hz) at half scale, or 0 for silence, sent in 10 ms frames at 48 kHz. */
  toneHz: number;
}

export interface TestPublisher {
  response: Response;
  answer: string;
  location: string | null;
  /** performance.now() at which the frame with code n (mod 256) was last handed to the encoder. */
  sentAt: Map<number, number>;
  sent: number;
  /** Stops sending pictures but keeps the connection and the sound (a frozen camera). */
  pause(): void;
  /** Closes the peer without a WHIP DELETE (a crashed publisher). */
  kill(): void;
  /** DELETE on the Location (a polite publisher), then closes. */
  close(): Promise<Response | undefined>;
}

const defaults: PublisherOptions = {
  width: 256,
  height: 256,
  fps: 30,
  left: [220, 30, 30],
  right: [30, 30, 220],
  audio: false,
  toneHz: 0,
};

const AUDIO_RATE = 48_000;
const AUDIO_FRAME = AUDIO_RATE / 100;

/** Publishes to `url` (`…/whip` or `…/whip/<slot>`); rejects with the server's answer when it is not 201. */
export async function whipPublisher(url: string, options: Partial<PublisherOptions> = {}): Promise<TestPublisher> {
  const o = { ...defaults, ...options } satisfies PublisherOptions;
  const { RTCPeerConnection, nonstandard } = requireWrtc();
  const pc = new RTCPeerConnection();
  const source = new nonstandard.RTCVideoSource();
  const track = source.createTrack();
  pc.addTransceiver(track, { direction: 'sendonly' });
  const audioSource = o.audio ? new nonstandard.RTCAudioSource() : undefined;
  const audioTrack = audioSource?.createTrack();
  if (audioTrack) pc.addTransceiver(audioTrack, { direction: 'sendonly' });
  await pc.setLocalDescription(await pc.createOffer());
  await iceGathered(pc, 3000);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/sdp' },
    body: loopbackOnly(pc.localDescription!.sdp),
  });
  const answer = await response.text();
  if (response.status !== 201) {
    track.stop();
    pc.close();
    throw new Error(`WHIP answered ${response.status}: ${answer}`);
  }
  await pc.setRemoteDescription({ type: 'answer', sdp: loopbackOnly(answer) });
  const sentAt = new Map<number, number>();
  const publisher = { sent: 0 } as TestPublisher;
  let n = 0;
  let paused = false;
  let audioFrames = 0;
  const began = performance.now();
  const sendAudioFrame = (audio: NonNullable<typeof audioSource>) => {
    const samples = new Int16Array(AUDIO_FRAME);
    for (let i = 0; i < AUDIO_FRAME; i++) {
      const t = (audioFrames * AUDIO_FRAME + i) / AUDIO_RATE;
      samples[i] = Math.round(16384 * Math.sin(2 * Math.PI * o.toneHz * t));
    }
    audio.onData({ samples, sampleRate: AUDIO_RATE, bitsPerSample: 16, channelCount: 1, numberOfFrames: AUDIO_FRAME });
    audioFrames++;
  };
  // A camera and its microphone hand media over in real time: libwebrtc's encoders, RTP pacing and the
  // receiver's jitter buffer run on the wall clock of a real peer, which a manual clock cannot drive. One tick
  // stands for the device: a picture each frame period, and the 10 ms audio frames owed by the time elapsed.
  const timer = setInterval(() => {
    if (!paused) {
      const code = n++ & 0xff;
      const rgba = codedPicture(o.width, o.height, code, o.left, o.right);
      source.onFrame({ width: o.width, height: o.height, data: rgbaToI420(rgba, o.width, o.height) });
      sentAt.set(code, performance.now());
      publisher.sent++;
    }
    if (!audioSource) return;
    const owed = Math.floor((performance.now() - began) / 10);
    while (audioFrames < owed) sendAudioFrame(audioSource);
  }, 1000 / o.fps);
  const location = response.headers.get('location');
  const end = () => {
    clearInterval(timer);
    audioTrack?.stop();
    track.stop();
    pc.close();
  };
  return Object.assign(publisher, {
    response,
    answer,
    location,
    sentAt,
    pause: () => {
      paused = true;
    },
    kill: end,
    close: async () => {
      end();
      if (!location) return undefined;
      return fetch(new URL(location, url), { method: 'DELETE' }).catch(() => undefined);
    },
  });
}
