import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SettingsWriter } from './settings-writer';
import { writeFileAtomic } from './files';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'settings-writer-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** A store of one number kept in `n.json`; writes fail as on a full disk while `full` is set, or for `refused` texts. */
function store() {
  const disk = { full: false, refused: new Set<string>() };
  const path = join(dir, 'n.json');
  const logs: string[] = [];
  const writer = new SettingsWriter({
    path,
    what: 'the number',
    log: (m) => logs.push(m),
    write: async (p, text) => {
      if (disk.full || disk.refused.has(text))
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      await writeFileAtomic(p, text);
    },
  });
  const s = {
    value: 0,
    disk,
    logs,
    onDisk: async () => Number(await readFile(path, 'utf8')),
    set(n: number) {
      const before = s.value;
      s.value = n;
      return writer.save(String(n), () => (s.value = before));
    },
  };
  return s;
}

describe('SettingsWriter', () => {
  it('a failed write undoes the change and answers save_failed with the sentence, logged', async () => {
    const s = store();
    await s.set(1);
    s.disk.full = true;
    await expect(s.set(2)).rejects.toMatchObject({
      code: 'save_failed',
      message: expect.stringMatching(/^could not save the number to .*n\.json: the disk is full \(ENOSPC\)/),
    });
    expect(s.value).toBe(1);
    expect(await s.onDisk()).toBe(1);
    expect(s.logs).toEqual([expect.stringMatching(/^could not save the number/)]);
  });

  it('when every queued write fails, memory goes back to what the file held before the first', async () => {
    const s = store();
    await s.set(1);
    s.disk.full = true;
    const results = await Promise.allSettled([s.set(2), s.set(3)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(s.value).toBe(1);
    expect(await s.onDisk()).toBe(1);
  });

  it('a failed write with a later one queued leaves memory as the later write puts the file', async () => {
    const s = store();
    s.disk.refused.add('2');
    const first = s.set(2);
    const second = s.set(3);
    await expect(first).rejects.toMatchObject({ code: 'save_failed' });
    await second;
    expect(s.value).toBe(3);
    expect(await s.onDisk()).toBe(3);
  });
});
