import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '../../src/server/test-support';
import { ManualClock } from '../../src/engine/clock';
import { readFrameCode } from '../../pipelines/test-pattern/frame-code';
import { lateLoop, readScaledFrameCode, startOutputScope } from '../test-support';
import { WhipPushOutput } from './whip-push-output';
import { startJanusSfu } from './test-janus';
import { ffmpegSubscriber } from './test-rtp-subscriber';
import type { OutputTestScope } from '../test-support';
import type { JanusSfu } from './test-janus';

const W = 256;

describe('WHIP push into a real SFU: janus VideoRoom behind Debian simple-whip-server', () => {
  let sfu: JanusSfu;
  let t: OutputTestScope;
  let push: WhipPushOutput;
  let loop: { stop(): Promise<void> } | undefined;
  const rendered = new Set<number>();

  beforeAll(async () => {
    sfu = await startJanusSfu();
    // A modest bitrate: fewer packets for ffmpeg to lose on a loaded machine (its UDP socket buffer is small).
    push = new WhipPushOutput('whip-push', {
      url: sfu.whipUrl,
      token: sfu.token,
      hostCandidates: ['127.0.0.1'],
      maxBitrateKbps: 1000,
    });
    const clock = new ManualClock();
    t = await startOutputScope({ pipeline: 'test-pattern', width: W, height: W, clock }, { outputs: [push] });
    t.scope.services.engine.onFrame((f) => rendered.add(readFrameCode(f)));
    // The loop as a loaded machine runs it, every time rather than by chance: late, then three frames at once.
    // Uneven frames are what once froze this round trip (issue 29: the reader, not the push, was at fault).
    loop = lateLoop(t.scope.services.engine, clock, { burst: 3, stallMs: 100 });
  }, 30_000);
  afterAll(async () => {
    await loop?.stop();
    await t?.stop();
    await sfu?.stop();
  });

  it('frames pushed by a loop running late come out of janus in order, each picture once, as we drew them', async () => {
    await waitFor(
      () => push.status().link?.state === 'connected',
      20_000,
      'the WHIP link to janus',
      () => push.status().link,
    );
    // Janus counts a publisher once its own side of the PeerConnection is up ("webrtcup"), which can come a
    // moment after ours reports connected: wait for janus to list it, rather than ask once.
    await waitFor(
      async () => (await sfu.publishers()) === 1,
      10_000,
      'janus to list our publisher',
      () => sfu.logs().slice(-1500),
    );
    const port = await freePort('udp');
    const subscriber = ffmpegSubscriber(port, W, W);
    try {
      await subscriber.listening();
      await sfu.forward(port);
      const ours = () => subscriber.frames.filter((f) => rendered.has(readScaledFrameCode(f.image, W)));
      const codes = () => ours().map((f) => readScaledFrameCode(f.image, W));
      const repeats = () => codes().filter((c, i) => i > 0 && c <= codes()[i - 1]!).length;
      // The codes ffmpeg reads are frames the pipeline drew, and they advance as the pipeline's do. A picture
      // that comes out twice ends the wait at once: that is the freeze, and waiting on would only hide it.
      const advanced = () => codes().length >= 30 && codes().at(-1)! - codes()[0]! >= 20;
      const said = () => {
        const seen = codes();
        const span = `codes ${seen[0]}..${seen.at(-1)}`;
        return `${subscriber.decoded()} decoded, ${seen.length} ours, ${span}; ffmpeg: ${subscriber.errors()}`;
      };
      await waitFor(() => advanced() || repeats() > 0, 30_000, '30 decoded frames out of janus, 20 codes apart', said);
      expect(repeats(), `pictures that came out again or out of order (${said()})`).toBe(0);
    } finally {
      await subscriber.stop();
    }
  }, 60_000);

  it('switching the output off DELETEs the WHIP session: janus drops the publisher', async () => {
    await t.hub.setEnabled('whip-push', false);
    expect(push.history.deleted).toBe(1);
    await waitFor(
      async () => (await sfu.publishers()) === 0,
      10_000,
      'janus to drop the publisher',
      () => sfu.logs().slice(-1500),
    );
    // And on again: a new session is accepted (simple-whip-server refuses a second one while the first lives).
    await t.hub.setEnabled('whip-push', true);
    await waitFor(
      () => push.status().link?.state === 'connected',
      20_000,
      'the link again',
      () => push.status().link,
    );
    await waitFor(
      async () => (await sfu.publishers()) === 1,
      10_000,
      'janus to list the new publisher',
      () => sfu.logs().slice(-1500),
    );
  }, 40_000);
});
