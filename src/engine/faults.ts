/**
 * The fault-injection seam: off unless the server starts with DAYDREAM_SCOPE_FAULTS=1 (only tests and the soak
 * bench set it). Faults are queued on a plan; the pipeline the host renders takes them, one frame at a time, and
 * fails the way a real one would: it throws, returns a wrong size, hangs, or its onnxruntime process leaks or
 * aborts (those two need the sessions in a child process, `--isolation process`).
 */
import { scopeEnv } from '../flag-env';
import type { Clock } from './clock';
import type { Image } from './frame';
import type { InFlightFrame, LoadContext, ParamSnapshot, Pipeline, RenderContext } from './pipeline';
import type { Fault, FaultState } from '../shared/faults';
import { OrtRuntime } from '../runtime/ort';

export type { Fault };

/** Whether the environment turns fault injection on. */
export const faultsEnabled = (env: NodeJS.ProcessEnv = process.env) => scopeEnv('DAYDREAM_SCOPE_FAULTS', env) === '1';

/** Faults waiting for the next renders, in order. */
export class FaultPlan {
  private queue: Fault[] = [];

  inject(fault: Fault): void {
    this.queue.push({ ...fault });
  }

  state(): FaultState {
    return { pending: this.queue.map((f) => ({ ...f })) };
  }

  /** The fault the next render takes, if any; a fault of several frames stays until its last one. */
  take(): Fault | undefined {
    const f = this.queue[0];
    if (!f) return undefined;
    if ('frames' in f && f.frames > 1) {
      f.frames--;
      return { ...f, frames: 1 };
    }
    this.queue.shift();
    return f;
  }
}

/** `inner` with the plan's faults brought on its renders. */
export function withFaults(inner: Pipeline, plan: FaultPlan, clock: Clock): Pipeline {
  let runtime: OrtRuntime | undefined;
  const bringOn = async (fault: Fault | undefined): Promise<Fault | undefined> => {
    switch (fault?.kind) {
      case 'throw':
        throw new Error('injected fault: the render threw');
      case 'crash':
        await ortOf(runtime).injectFault({ kind: 'crash' });
        throw new Error('injected fault: the onnxruntime process should have crashed');
      case 'leak':
        await ortOf(runtime).injectFault({ kind: 'leak', megabytes: fault.megabytes });
        break;
      case 'hang':
        await hang(runtime!, fault.seconds * 1000, clock);
        break;
    }
    return fault;
  };
  return {
    load(ctx: LoadContext) {
      // Crashes and leaks are brought on in onnxruntime's own process: only an OrtRuntime has one.
      runtime = ctx.runtime instanceof OrtRuntime ? ctx.runtime : undefined;
      return inner.load(ctx);
    },
    async render(ctx: RenderContext, params: ParamSnapshot, input?: Image): Promise<Image> {
      const fault = await bringOn(plan.take());
      return misshape(fault, await inner.render(ctx, params, input));
    },
    // The throughput loop's half of a render gets the same faults, brought on when the frame is issued.
    ...(inner.issue
      ? {
          async issue(ctx: RenderContext, params: ParamSnapshot, input?: Image): Promise<InFlightFrame> {
            const fault = await bringOn(plan.take());
            const frame = await inner.issue!(ctx, params, input);
            return { collect: async () => misshape(fault, await frame.collect()), drop: () => frame.drop() };
          },
        }
      : {}),
    unload() {
      return inner.unload();
    },
  };
}

/** The image halved in size when the fault is a wrong size (the host must refuse it). */
function misshape(fault: Fault | undefined, image: Image): Image {
  if (fault?.kind !== 'wrong-size') return image;
  const width = Math.max(1, image.width >> 1);
  const height = Math.max(1, image.height >> 1);
  return { data: image.data.subarray(0, width * height * 4), width, height };
}

/** Blocks the pipeline's onnxruntime process for `ms` when it has one; otherwise the render waits on the clock. */
async function hang(runtime: OrtRuntime, ms: number, clock: Clock): Promise<void> {
  try {
    await runtime.injectFault({ kind: 'hang', ms });
  } catch (err) {
    if (!/child process/.test((err as Error).message)) throw err;
    await new Promise<void>((resolve) => clock.after(ms, resolve));
  }
}

function ortOf(runtime: OrtRuntime | undefined): OrtRuntime {
  if (!runtime) throw new Error('injected fault: this inference backend has no onnxruntime process to break');
  return runtime;
}
