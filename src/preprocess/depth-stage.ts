/**
 * The `depth` stage: the project's resize-and-normalise graph, the depth model (Depth-Anything-V2-Small, or a
 * stand-in of the same signature), then the project's graph that scales the map to 0..1, resizes it back and
 * smooths it over frames. The last map stays where the sessions run as the next frame's `previous`.
 */
import type { InferenceBackend } from '../runtime/backend';
import type { OrtSession } from '../runtime/session';
import type { TensorHandle } from '../runtime/tensor';
import { DEPTH_MODEL, depthPostGraph, depthPreGraph } from './depth-graphs';

/** The model file (path or bytes) and its square input side; undefined when none is on disk, with why. */
export type DepthModelSource = () => Promise<{ model: string | Uint8Array; size: number } | { missing: string }>;

interface Sessions {
  pre: OrtSession;
  model: OrtSession;
  post: OrtSession;
}

export class DepthStage {
  private sessions: Promise<Sessions | undefined> | undefined;
  private previous: TensorHandle | undefined;

  constructor(
    private readonly runtime: InferenceBackend,
    private readonly source: DepthModelSource | undefined,
    private readonly say: (message: string) => void,
  ) {}

  /**
   * The depth map of `image` [1, 3, h, w] as a grey picture, blended with the last one (`smoothing` of it kept);
   * `image` itself when there is no model.
   */
  async run(image: TensorHandle, smoothing: number): Promise<TensorHandle> {
    const s = await this.open();
    if (!s) return image;
    const [, , h, w] = image.dims as number[];
    const previous = this.previous;
    const fits = previous !== undefined && previous.dims[2] === h && previous.dims[3] === w;
    const prevFeed = fits ? previous : { type: 'float32', dims: [1, 1, h!, w!], data: new Float32Array(h! * w!) };
    const pre = await s.pre.run({ image }, { keep: [DEPTH_MODEL.input] });
    const raw = await s.model.run({ [DEPTH_MODEL.input]: pre[DEPTH_MODEL.input] }, { keep: [DEPTH_MODEL.output] });
    await this.runtime.release(pre[DEPTH_MODEL.input]);
    const keep = { type: 'float32', dims: [], data: Float32Array.of(fits ? smoothing : 0) };
    const post = await s.post.run(
      { [DEPTH_MODEL.output]: raw[DEPTH_MODEL.output], previous: prevFeed, keep },
      { keep: ['depth', 'out'] },
    );
    await this.runtime.release(raw[DEPTH_MODEL.output]);
    if (previous) await this.runtime.release(previous);
    this.previous = post.depth;
    return post.out;
  }

  /** Forgets the last map (depth left the chain): when it comes back it starts from the new picture. */
  async reset(): Promise<void> {
    const previous = this.previous;
    this.previous = undefined;
    if (previous) await this.runtime.release(previous);
  }

  private open(): Promise<Sessions | undefined> {
    this.sessions ??= this.create().catch((err: Error) => {
      this.sessions = undefined;
      throw err;
    });
    return this.sessions;
  }

  private async create(): Promise<Sessions | undefined> {
    const found = await this.source?.();
    if (!found || 'missing' in found) {
      this.say(`depth is skipped: ${found ? found.missing : 'no depth model is configured'}`);
      return undefined;
    }
    const [pre, model, post] = await Promise.all([
      this.runtime.createSession(depthPreGraph(found.size)),
      this.runtime.createSession(found.model),
      this.runtime.createSession(depthPostGraph(found.size)),
    ]);
    return { pre, model, post };
  }

  async release(): Promise<void> {
    await this.reset();
    const s = await this.sessions?.catch(() => undefined);
    this.sessions = undefined;
    if (s) await Promise.all([s.pre.release(), s.model.release(), s.post.release()]);
  }
}
