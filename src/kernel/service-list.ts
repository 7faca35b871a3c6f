/**
 * The composition root's service list, transport-free: each service is a descriptor (its name, the flags it
 * reads, what it needs from the core and from the services before it, and a start that returns its routes,
 * commands, topics, what it provides to the services after it, and its stop). The order of the list is the
 * start order; the stop order and the rollback of a half-done start come from it, never from a hand-kept copy.
 */

/** What a started service hands back. `Routes` is the transport's (the root passes the server's). */
export interface Running<Routes, Provides> {
  /** Routes it mounts; the HTTP service collects those of the services before it. */
  routes?: Routes;
  /** Names of the commands it added to the command registry (what `GET /api/v1/commands` gains). */
  commands?: readonly string[];
  /** Event topics it emits. */
  topics?: readonly string[];
  /** What later services may need from it, by name: merged into what they are started with. */
  provides?: Provides;
  /** Ends what start began; absent when there is nothing to end. */
  stop?: () => void | Promise<void>;
}

/** A started service, as the ones after it and the caller see it. */
export interface Started<Routes> {
  name: string;
  routes: Routes | undefined;
  commands: readonly string[];
  topics: readonly string[];
}

export interface ServiceDescriptor<All, Routes, Needs extends keyof All = keyof All, Provides = unknown> {
  name: string;
  /** The flags (ScopeOptions keys) it reads: what a reader of `--help` can look for here. */
  flags: readonly string[];
  /** What it needs, from the core or provided by a service earlier in the list; checked before start. */
  needs: readonly Needs[];
  start(
    have: Pick<All, Needs>,
    before: readonly Started<Routes>[],
  ): Running<Routes, Provides> | Promise<Running<Routes, Provides>>;
}

/** The list's element type: descriptors with needs and provides of their own. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each descriptor's needs and provides differ
export type AnyService<All, Routes> = ServiceDescriptor<All, Routes, any, any>;

/** Keeps a descriptor's own needs and provides typed where it is written. */
export const service =
  <All, Routes>() =>
  <Needs extends keyof All, Provides extends Partial<All>>(d: ServiceDescriptor<All, Routes, Needs, Provides>) =>
    d;

export interface RunningServices<All, Routes> {
  started: readonly Started<Routes>[];
  /** What the core holds or a service provided, by name; throws for a name nothing provided. */
  get<K extends keyof All>(key: K): All[K];
  /** Stops every started service in reverse order; one that throws does not keep the others from stopping. */
  stop(): Promise<void>;
}

/**
 * Starts the services in the list's order. When one fails to start (or needs what nothing before it gives), the
 * ones already started are stopped in reverse order, and then the failure is thrown.
 */
export async function startServices<All extends object, Routes>(
  list: readonly AnyService<All, Routes>[],
  core: Partial<All>,
): Promise<RunningServices<All, Routes>> {
  const have: Record<string, unknown> = { ...core };
  const started: Started<Routes>[] = [];
  const stops: { name: string; stop: () => void | Promise<void> }[] = [];
  const stopAll = async () => {
    const failures: string[] = [];
    let first: unknown;
    for (const s of stops.splice(0).reverse()) {
      try {
        await s.stop();
      } catch (err) {
        first ??= err;
        failures.push(`${s.name} (${err instanceof Error ? err.message : String(err)})`);
      }
    }
    if (failures.length > 0) {
      throw new AggregateError([first], `stopping ${failures.join(', ')} failed; every other service stopped`);
    }
  };
  for (const d of list) {
    try {
      // A need may be provided as undefined (a service switched off); it must be provided all the same.
      const missing = d.needs.filter((key) => !(key in have));
      if (missing.length > 0) {
        throw new Error(
          `service "${d.name}" needs ${missing.map(String).join(', ')}, which neither the core nor a service before it provides`,
        );
      }
      const pick = Object.fromEntries(d.needs.map((key) => [key, have[key as string]])) as Pick<All, keyof All>;
      const running = await d.start(pick, [...started]);
      if (running.stop) stops.push({ name: d.name, stop: running.stop });
      Object.assign(have, running.provides ?? {});
      started.push({
        name: d.name,
        routes: running.routes,
        commands: running.commands ?? [],
        topics: running.topics ?? [],
      });
    } catch (err) {
      // Roll back: what started is stopped (in reverse); a failure there must not hide the first one.
      await stopAll().catch(() => undefined);
      throw err;
    }
  }
  let stopping: Promise<void> | undefined;
  return {
    started,
    get: (key) => {
      if (!(key in have)) throw new Error(`no service provides ${String(key)}`);
      return have[key as string] as All[typeof key];
    },
    stop: () => (stopping ??= stopAll()),
  };
}
