/**
 * A node of a show (`--nats <url> --show <name>`), as the root runs it (a friend of the composition root, so it
 * may name control/): joining the NATS show, then catching up with it and handing its changes to the show sync.
 */
import { NatsShow } from '../control/nats/nats-show';
import type { NatsShowOptions } from '../control/nats/nats-show';
import type { PipelineHost } from './engine/host';
import { z } from 'zod';
import type { ShowSync } from './show/show-sync';
import { MAX_BPM, MIN_BPM } from './perform';
import type { ShowChange } from './show/change';
import type { PerformService, TempoClock } from './perform';
import { cueSchema } from './shared/perform';

export type { NatsShow };

/** Connects and reads the server's clock: the engine then runs on `show.clock` at `show.meta.fps`. */
export async function joinShow(
  o: Pick<NatsShowOptions, 'url' | 'creds' | 'ca' | 'show' | 'fps' | 'log'>,
): Promise<NatsShow> {
  const show = await NatsShow.join(o);
  o.log(`Show ${o.show}: joined as ${show.node} at ${show.meta.fps} fps.`);
  return show;
}

/**
 * Catches up with the show's stored state and takes over this node's changes from then on; a show with no
 * pipeline yet gets `pipeline`. Resolves once the show's pipeline is loaded here.
 */
export async function startShow(show: NatsShow, sync: ShowSync, host: PipelineHost, pipeline: string | null) {
  const stored = await show.watch((change) => sync.receive(change));
  // A stored load this node refuses (an unknown pipeline) counts as none: the node starts with its own.
  const caughtUp = sync.catchUp(stored);
  sync.attach(show);
  if (!(await caughtUp) && pipeline !== null) await host.load(pipeline);
}

const tempoSchema = z.object({
  t: z.number().finite(),
  beat: z.number().finite(),
  bpm: z.number().min(MIN_BPM).max(MAX_BPM),
});

/** A kind's check from its value's schema: the change is refused (logged, counted) rather than failing to apply. */
const checkWith = (schema: z.ZodType, what: string) => (change: ShowChange) =>
  schema.safeParse(change.value).success ? undefined : `it is not a ${what}`;

/**
 * The tempo as a kind of show change: its clock runs on show time, so "beat `beat` at show time `t`, `bpm`" means
 * the same on every node. A node's tempo change (tap, OSC, MIDI clock, Link) is sent at most `maxHz` times a second;
 * every node aligns to it.
 */
export function syncTempo(sync: ShowSync, tempo: TempoClock, maxHz = 4): () => void {
  let applying = false;
  let lastSent = -Infinity;
  let pending: ReturnType<typeof setTimeout> | undefined;
  sync.register({
    name: 'tempo',
    check: checkWith(tempoSchema, `tempo ({ t, beat, bpm } with bpm ${MIN_BPM}-${MAX_BPM})`),
    apply: (change) => {
      const v = tempoSchema.parse(change.value);
      applying = true;
      try {
        tempo.align(v.t, v.beat, v.bpm, 'internal');
      } finally {
        applying = false;
      }
    },
  });
  const send = () => {
    pending = undefined;
    lastSent = performance.now();
    const t = tempo.now();
    sync.submit('tempo', 'clock', { t, beat: tempo.beatAt(t), bpm: tempo.bpm }, 'tempo');
  };
  const off = tempo.onChange((kind) => {
    if (applying || kind === 'play' || pending) return;
    const wait = lastSent + 1000 / maxHz - performance.now();
    if (wait <= 0) send();
    else pending = setTimeout(send, wait);
  });
  return () => {
    off();
    clearTimeout(pending);
  };
}

const cueGoSchema = z.object({ cue: cueSchema });

/**
 * A cue's go as a kind of show change: the cue travels with it (every node runs the same cue whatever its own list
 * holds) and lands on its beat's show time everywhere. A node catching up puts it at its end values at once.
 */
export function syncCues(sync: ShowSync, service: PerformService): () => void {
  sync.register({
    name: 'cue',
    check: checkWith(cueGoSchema, 'cue go ({ cue })'),
    apply: (change, catchUp) => service.startCue(cueGoSchema.parse(change.value).cue, change.at, catchUp),
  });
  service.setCueGate((cue, at) => sync.submit('cue', 'go', { cue }, 'cue', at === undefined ? {} : { at }));
  return () => service.setCueGate(undefined);
}
