import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConditioningFeed } from '../src/preprocess/conditioning-feed';
import { waitFor } from '../src/server/test-support';
import { FakeSource } from '../inputs/test-source';
import { startInputScope } from '../inputs/test-support';
import type { InputTestScope } from '../inputs/test-support';
import type { Frame } from '../src/engine/frame';
import { OutputHub } from './hub';
import { FakeOutput } from './test-output';
import type { OutputFrame } from './output';
import { WhepOutput } from './webrtc/whep-output';
import { whepViewer } from './webrtc/test-viewer';

/** A fake sink that keeps the pixels it was handed. */
class Recording extends FakeOutput {
  readonly frames: { pipelineId: string; rgba: Uint8Array }[] = [];
  override accept(frame: OutputFrame) {
    this.frames.push({ pipelineId: frame.pipelineId, rgba: frame.pixels('rgba') });
    return super.accept(frame);
  }
}

const flush = () => new Promise((r) => setImmediate(r));
const engineFrame = (seq: number): Frame => ({
  data: new Uint8Array([200, 10, 10, 255]),
  width: 1,
  height: 1,
  seq,
  timestamp: seq,
  pipelineId: 'test-pattern',
  repeated: false,
});

describe('outputs of the conditioning source', () => {
  it('get the conditioning pictures and none of the engine’s frames, and the others the reverse', async () => {
    const feed = new ConditioningFeed(() => 0);
    const out = new Recording('main');
    const depth = new Recording('depth', 'ndi');
    const hub = new OutputHub().add(out, true).add(depth, true, 'conditioning');
    hub.follow('conditioning', feed);
    await hub.start();
    hub.offer(engineFrame(1));
    feed.publish({ data: new Uint8Array([40, 40, 40, 255]), width: 1, height: 1 });
    await flush();
    hub.offer(engineFrame(2));
    await flush();
    expect(out.frames.map((f) => [...f.rgba])).toEqual([
      [200, 10, 10, 255],
      [200, 10, 10, 255],
    ]);
    expect(depth.frames).toEqual([{ pipelineId: 'preprocess', rgba: new Uint8Array([40, 40, 40, 255]) }]);
    expect(hub.info('depth')).toMatchObject({ source: 'conditioning', state: 'running' });
    expect(hub.info('main').source).toBeUndefined();
    // Dropped frames are counted per source: the engine's two frames are not the conditioning output's drops.
    expect(hub.info('depth').dropped).toBe(0);
    await hub.stop();
  });
});

describe('the conditioning outputs in the server', () => {
  let t: InputTestScope;
  let cam: FakeSource;
  const ndi = new Recording('conditioning-ndi', 'ndi');
  const rendered: Frame[] = [];

  beforeAll(async () => {
    // The NDI seam (a recording sink in the conditioning NDI slot) and a loopback-only conditioning WHEP.
    const whep = new WhepOutput('conditioning-webrtc', { hostCandidates: ['127.0.0.1'] });
    t = await startInputScope({ pipeline: 'neural-field', width: 64, height: 64, fps: 20, outputs: [whep, ndi] });
    // The field mixed half with the input: the output is never the flat grey the chain makes of the input.
    t.scope.services.params.set('inputMix', 0.5, 'http');
    t.scope.services.params.set('preprocess', 'grayscale', 'http');
    t.scope.services.engine.onFrame((f) => rendered.push(f));
    cam = new FakeSource('cam');
    await t.hub.add(cam, true);
    t.hub.select('cam');
  });
  afterAll(() => t?.stop());

  const grey = Math.round(0.299 * 90);
  const flatGrey = (rgba: Uint8Array, tolerance = 0) =>
    rgba.every((v, i) => (i % 4 === 3 ? true : Math.abs(v - grey) <= tolerance));

  it('NDI and WHEP of the conditioning feed carry the chain’s picture, not the output', async () => {
    await t.scope.outputs.setEnabled('conditioning-ndi', true);
    expect(t.scope.outputs.info('conditioning-ndi')).toMatchObject({ source: 'conditioning', state: 'running' });
    // The server runs on the real-time clock (input hub, HTTP), so frames are sent until the chain's arrive.
    await waitFor(
      () => {
        cam.send(64, 64, 90);
        return ndi.frames.length > 2;
      },
      30_000,
      'conditioning frames at the NDI output',
    );
    expect(ndi.frames.every((f) => f.pipelineId === 'preprocess' && flatGrey(f.rgba))).toBe(true);
    expect(rendered.some((f) => f.pipelineId === 'neural-field' && !flatGrey(f.data, 8))).toBe(true);

    const viewer = await whepViewer(t.scope.url, '/conditioning/whep');
    try {
      expect(viewer.response.headers.get('location')).toMatch(/^\/conditioning\/whep\/[0-9a-f-]{36}$/);
      // The viewer decodes only while frames flow, and the input hub runs on the real-time clock: keep sending.
      const feeding = setInterval(() => cam.send(64, 64, 90), 50);
      try {
        // H.264 moves a flat picture by a level or two at most; the field never comes out flat.
        const image = await viewer.frame(() => true, 20_000);
        expect(flatGrey(image.data, 6)).toBe(true);
      } finally {
        clearInterval(feeding);
      }
    } finally {
      await viewer.close();
    }
  });
});
