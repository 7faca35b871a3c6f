/**
 * A node of a show (`--nats <url> --show <name>`), as the root runs it (a friend of the composition root, so it
 * may name control/): joining the NATS show, then catching up with it and handing its changes to the show sync.
 */
import { NatsShow } from '../control/nats/nats-show';
import type { PipelineHost } from './engine/host';
import type { ShowSync } from './show/show-sync';

export type { NatsShow };

/** Connects and reads the server's clock: the engine then runs on `show.clock` at `show.meta.fps`. */
export async function joinShow(o: { url: string; show: string; fps: number; log: (m: string) => void }) {
  const show = await NatsShow.join({ url: o.url, show: o.show, fps: o.fps, log: o.log });
  o.log(`Show ${o.show}: joined as ${show.node} at ${show.meta.fps} fps.`);
  return show;
}

/**
 * Catches up with the show's stored state and takes over this node's changes from then on; a show with no
 * pipeline yet gets `pipeline`. Resolves once the show's pipeline is loaded here.
 */
export async function startShow(show: NatsShow, sync: ShowSync, host: PipelineHost, pipeline: string | null) {
  const stored = await show.watch((change) => sync.receive(change));
  const caughtUp = sync.catchUp(stored);
  sync.attach(show);
  const hasPipeline = stored.some((c) => c.kind === 'pipeline');
  await (hasPipeline || pipeline === null ? caughtUp : host.load(pipeline));
}
