/** Helpers for the DMX tests: a real ParamStore with a few parameters, a DmxService on it, a temporary config dir. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { DmxService } from './service';
import { dmxRoutes } from './routes';
import { withErrorAnswers } from '../../src/server/app';
import { p } from '../../src/params/spec';
import { ParamStore } from '../../src/params/store';
import { ManualTimers } from '../../src/kernel/timers';
import { writeFileAtomic } from '../../src/files';
import type { DmxInOptions } from './service';

export async function dmxRig(options: Partial<DmxInOptions> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'scope-dmx-'));
  const file = join(dir, 'dmx-mappings.json');
  const params = new ParamStore();
  params.define({
    level: p.number(0.5, { min: 0, max: 1 }),
    hue: p.number(0, { min: -180, max: 180 }),
    mode: p.enum('waves', ['waves', 'grid', 'noise', 'rings']),
    flash: p.trigger(),
    prompt: p.text('a city at night'),
  });
  const logs: string[] = [];
  const timers = new ManualTimers();
  let full = false;
  const service = new DmxService(
    { params, log: (m) => logs.push(m) },
    {
      mappingsFile: file,
      timers,
      write: (path, text) =>
        full ? Promise.reject(new Error('ENOSPC: no space left on device')) : writeFileAtomic(path, text),
      ...options,
    },
  );
  await service.start();
  const app = withErrorAnswers(new Hono()).route('/api/v1', dmxRoutes(service));
  const call = async (method: string, path: string, body?: unknown) => {
    const init: RequestInit = { method };
    if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
    const res = await app.request(`/api/v1${path}`, init);
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  };
  return {
    service,
    params,
    logs,
    timers,
    file,
    call,
    /** The mappings file as it is on disk now. */
    onDisk: async () => JSON.parse(await readFile(file, 'utf8')) as { mappings: unknown[] },
    diskFull: (on: boolean) => {
      full = on;
    },
    close: async () => {
      await service.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export type DmxRig = Awaited<ReturnType<typeof dmxRig>>;

/** A universe of 512 levels with some set: `{ 1: 255 }` puts channel 1 at full. */
export function universe(levels: Record<number, number> = {}): Uint8Array {
  const u = new Uint8Array(512);
  for (const [ch, v] of Object.entries(levels)) u[Number(ch) - 1] = v;
  return u;
}
