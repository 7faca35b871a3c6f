import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FrameDelayLine } from './output-delay';
import { OutputDelayStore } from './output-delay-store';
import { ManualClock } from './clock';
import { TempoClock } from '../perform/tempo/tempo-clock';
import { writeFileAtomic } from '../files';
import type { WriteFile } from '../settings-writer';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'scope-delay-'));
  dirs.push(dir);
  return dir;
}

/** A delay line on a manual clock with nothing feeding it, and its store in `dir`. */
function store(dir: string, write?: WriteFile) {
  const clock = new ManualClock();
  const tempo = new TempoClock({ now: () => clock.now(), bpm: 120 });
  const line = new FrameDelayLine({ onFrame: () => () => {}, latest: () => undefined }, { clock, tempo });
  const logs: string[] = [];
  const s = new OutputDelayStore(line, {
    path: join(dir, 'output-delay.json'),
    log: (m) => logs.push(m),
    ...(write ? { write } : {}),
  });
  return { store: s, line, logs };
}

describe('the output delay across restarts', () => {
  it('a setting is saved and is what the next start holds; a start flag wins without writing the file', async () => {
    const dir = await folder();
    const first = store(dir);
    await first.store.load();
    expect(first.line.status()).toMatchObject({ unit: 'ms', value: 0 });
    await first.store.set({ beats: 1 });
    expect(JSON.parse(await readFile(join(dir, 'output-delay.json'), 'utf8'))).toEqual({
      version: 1,
      unit: 'beats',
      value: 1,
    });

    const second = store(dir);
    await second.store.load();
    expect(second.line.status()).toMatchObject({ unit: 'beats', value: 1, ms: 500 });

    const flagged = store(dir);
    await flagged.store.load({ ms: 80 });
    expect(flagged.line.status()).toMatchObject({ unit: 'ms', value: 80 });
    expect(JSON.parse(await readFile(join(dir, 'output-delay.json'), 'utf8'))).toMatchObject({ unit: 'beats' });
  });

  it('a setting out of range is saved clamped', async () => {
    const dir = await folder();
    const { store: s } = store(dir);
    expect(await s.set({ ms: 9000 })).toMatchObject({ unit: 'ms', value: 2000, ms: 2000 });
    expect(JSON.parse(await readFile(join(dir, 'output-delay.json'), 'utf8'))).toMatchObject({ value: 2000 });
  });

  it('a save that fails puts the delay back as the file has it and says so', async () => {
    const dir = await folder();
    let full = false;
    const write: WriteFile = async (path, text) => {
      if (full) throw new Error('ENOSPC: no space left on device');
      await writeFileAtomic(path, text);
    };
    const { store: s, line, logs } = store(dir, write);
    await s.set({ ms: 120 });
    full = true;
    await expect(s.set({ beats: 2 })).rejects.toMatchObject({ code: 'save_failed' });
    expect(line.status()).toMatchObject({ unit: 'ms', value: 120 });
    expect(logs.join('\n')).toMatch(/could not save the output delay/);
  });

  it('a damaged file is set aside and said; the delay starts at 0', async () => {
    const dir = await folder();
    await writeFile(join(dir, 'output-delay.json'), '{"unit": "seconds", "value": 3}');
    const { store: s, line, logs } = store(dir);
    await s.load();
    expect(line.status()).toMatchObject({ unit: 'ms', value: 0 });
    expect(logs.join('\n')).toMatch(/Output delay: .* is not valid \(unit: .*kept it as/);
    expect((await readdir(dir)).filter((f) => f.startsWith('output-delay.json.') && f.endsWith('.bad'))).toHaveLength(
      1,
    );
  });
});
