/** Loading a pipeline in a test, at its parameters' size, as the host would but with nothing to cancel it. */
import type { LoadContext, ParamSnapshot } from '../../src/engine/pipeline';
import type { ParamSpecs } from '../../src/params/spec';
import type { InferenceBackend } from '../../src/runtime/backend';

/** Loads `pipeline` with `params` on `runtime`; its log lines go to `logs`. */
export async function loadForTest<S extends ParamSpecs>(
  pipeline: { load(ctx: LoadContext<S>): Promise<void> },
  params: ParamSnapshot<S>,
  runtime: InferenceBackend,
  logs: string[] = [],
): Promise<void> {
  await pipeline.load({
    width: params.width,
    height: params.height,
    params,
    runtime,
    progress: () => {},
    signal: new AbortController().signal,
    log: (m) => logs.push(m),
  });
}
