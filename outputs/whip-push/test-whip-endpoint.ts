/**
 * A WHIP endpoint for tests: a real HTTP server on 127.0.0.1 and a real @roamhq/wrtc answerer that decodes what
 * it receives. It can refuse (token, status) and drop every session at once, as an SFU that restarts does.
 */
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { iceGathered, requireWrtc } from '../../src/media/wrtc';
import { loopbackOnly, sinkFrameToImage } from '../test-support';
import type { SinkFrame } from '../test-support';
import type { AddressInfo } from 'node:net';
import type { Image } from '../../src/engine/frame';

export interface TestWhipEndpoint {
  /** The endpoint URL to push to. */
  url: string;
  /** Requests seen, in order (`POST`, `DELETE /whip/resource/<id>`), with the Authorization header. */
  requests: { method: string; path: string; auth: string | undefined; status: number }[];
  /** Sessions alive now. */
  readonly sessions: number;
  /** Decoded frames, newest last (RGBA), as the subscriber side of an SFU would see them. */
  frames: { image: Image; at: number }[];
  /** Answer the next POSTs with this status instead (undefined: answer normally). */
  refuseWith: number | undefined;
  /** Closes every peer and forgets every session, as an SFU that crashed and came back. */
  dropAll(): void;
  close(): Promise<void>;
}

/** Starts the endpoint; `token` makes it require `Authorization: Bearer <token>`. */
export async function startTestWhipEndpoint(token?: string): Promise<TestWhipEndpoint> {
  const { RTCPeerConnection, nonstandard } = requireWrtc();
  const peers = new Map<string, { pc: RTCPeerConnection; stop: () => void }>();
  const endpoint = {
    requests: [],
    frames: [],
    refuseWith: undefined,
  } as unknown as TestWhipEndpoint & { url: string };

  const answer = async (offer: string): Promise<{ id: string; sdp: string }> => {
    const pc = new RTCPeerConnection();
    const id = randomUUID();
    let stopSink = () => {};
    pc.ontrack = (e) => {
      const sink = new nonstandard.RTCVideoSink(e.track);
      stopSink = () => sink.stop();
      sink.onframe = ({ frame }: { frame: SinkFrame }) => {
        endpoint.frames.push({ image: sinkFrameToImage(frame), at: performance.now() });
        if (endpoint.frames.length > 120) endpoint.frames.shift();
      };
    };
    await pc.setRemoteDescription({ type: 'offer', sdp: offer });
    await pc.setLocalDescription(await pc.createAnswer());
    await iceGathered(pc, 3000);
    peers.set(id, { pc, stop: () => stopSink() });
    return { id, sdp: loopbackOnly(pc.localDescription!.sdp) };
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const auth = req.headers.authorization;
      const reply = (status: number, body = '', headers: Record<string, string> = {}) => {
        endpoint.requests.push({ method: req.method ?? '', path: req.url ?? '', auth, status });
        res.writeHead(status, headers).end(body);
      };
      if (token !== undefined && auth !== `Bearer ${token}`) return reply(401, 'Unauthorized');
      if (req.method === 'POST' && req.url === '/whip/endpoint') {
        if (endpoint.refuseWith !== undefined) return reply(endpoint.refuseWith, 'refused by the test');
        if (req.headers['content-type'] !== 'application/sdp') return reply(415);
        answer(Buffer.concat(chunks).toString()).then(
          ({ id, sdp }) => reply(201, sdp, { 'Content-Type': 'application/sdp', Location: `resource/${id}` }),
          (err: Error) => reply(400, err.message),
        );
        return;
      }
      const match = /^\/whip\/resource\/([\w-]+)$/.exec(req.url ?? '');
      if (req.method === 'DELETE' && match) {
        const peer = peers.get(match[1]!);
        if (!peer) return reply(404);
        peers.delete(match[1]!);
        peer.stop();
        peer.pc.close();
        return reply(200);
      }
      reply(405);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  // A getter: Object.assign would copy the count once.
  Object.defineProperty(endpoint, 'sessions', { get: () => peers.size });
  return Object.assign(endpoint, {
    url: `http://127.0.0.1:${port}/whip/endpoint`,
    dropAll: () => {
      for (const p of peers.values()) {
        p.stop();
        p.pc.close();
      }
      peers.clear();
    },
    close: async () => {
      endpoint.dropAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
