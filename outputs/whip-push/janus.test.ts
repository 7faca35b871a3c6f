import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '../../src/server/test-support';
import { readFrameCode } from '../../pipelines/test-pattern/frame-code';
import { readScaledFrameCode, startOutputScope } from '../test-support';
import { WhipPushOutput } from './whip-push-output';
import { ffmpegSubscriber, startJanusSfu } from './test-janus';
import type { OutputTestScope } from '../test-support';
import type { JanusSfu } from './test-janus';

const W = 256;

describe('WHIP push into a real SFU: janus VideoRoom behind Debian simple-whip-server', () => {
  let sfu: JanusSfu;
  let t: OutputTestScope;
  let push: WhipPushOutput;
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
    t = await startOutputScope({ pipeline: 'test-pattern', width: W, height: W }, { outputs: [push] });
    t.scope.services.engine.onFrame((f) => rendered.add(readFrameCode(f)));
  }, 30_000);
  afterAll(async () => {
    await t?.stop();
    await sfu?.stop();
  });

  it('frames we push come out of janus to a subscriber, in order, with the frame codes we drew', async () => {
    await waitFor(() => push.status().link?.state === 'connected', 20_000, 'the WHIP link to janus');
    // Janus counts a publisher once its own side of the PeerConnection is up ("webrtcup"), which can come a
    // moment after ours reports connected: wait for janus to list it, rather than ask once.
    await waitFor(async () => (await sfu.publishers()) === 1, 10_000, 'janus to list our publisher');
    const port = await freePort('udp');
    const subscriber = ffmpegSubscriber(port, W, W);
    try {
      await sfu.forward(port);
      const ours = () => subscriber.frames.filter((f) => rendered.has(readScaledFrameCode(f.image, W)));
      const codes = () => ours().map((f) => readScaledFrameCode(f.image, W));
      // The codes ffmpeg reads are frames the pipeline drew, and they advance as the pipeline's do (on a loaded
      // machine the first frames out may repeat while the encoder ramps up: wait for 20 codes of progress).
      const advanced = () => codes().length >= 30 && codes().at(-1)! - codes()[0]! >= 20;
      await waitFor(advanced, 30_000, '30 decoded frames out of janus, 20 codes apart').catch((err: Error) => {
        const span = `${codes()[0]}..${codes().at(-1)}`;
        throw new Error(
          `${err.message} (${subscriber.frames.length} decoded, ${ours().length} ours, codes ${span})\nffmpeg: ${subscriber.errors()}\n${sfu.logs().slice(-1500)}`,
        );
      });
      const seen = codes();
      const backwards = seen.filter((c, i) => i > 0 && c < seen[i - 1]!).length;
      expect(backwards).toBe(0);
    } finally {
      await subscriber.stop();
    }
  }, 60_000);

  it('switching the output off DELETEs the WHIP session: janus drops the publisher', async () => {
    await t.hub.setEnabled('whip-push', false);
    expect(push.history.deleted).toBe(1);
    await waitFor(async () => (await sfu.publishers()) === 0, 10_000, 'janus to drop the publisher');
    // And on again: a new session is accepted (simple-whip-server refuses a second one while the first lives).
    await t.hub.setEnabled('whip-push', true);
    await waitFor(() => push.status().link?.state === 'connected', 20_000, 'the link again');
    await waitFor(async () => (await sfu.publishers()) === 1, 10_000, 'janus to list the new publisher');
  }, 40_000);
});
