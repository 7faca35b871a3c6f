import { describe, expect, it } from 'vitest';
import { SettingsBook } from './settings-book';

/** The smallest book: a list of names. */
class Names {
  private list: string[] = [];
  all(): string[] {
    return [...this.list];
  }
  replace(entries: string[]): void {
    this.list = [...entries];
  }
  add(name: string): number {
    this.list.push(name);
    return this.list.length;
  }
}

const diskFull = () => Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });

/**
 * A book of names on a disk the test drives: each write waits until the test settles it (`finish`), so when writes
 * start and end is the test's to say, with no timers.
 */
function setup() {
  const disk = { file: '', inFlight: 0, most: 0, started: [] as string[] };
  const pending: { text: string; settle: (err?: Error) => void }[] = [];
  const logs: string[] = [];
  const counts = { changed: 0, undone: 0 };
  const store = new SettingsBook({
    book: new Names(),
    path: '/config/names.json',
    what: 'the names',
    log: (m) => logs.push(m),
    write: (_path, text) => {
      disk.started.push(text);
      disk.inFlight++;
      disk.most = Math.max(disk.most, disk.inFlight);
      return new Promise<void>((resolve, reject) => {
        pending.push({
          text,
          settle: (err) => {
            disk.inFlight--;
            if (err) return reject(err);
            disk.file = text;
            resolve();
          },
        });
      });
    },
    read: async () => ['from-file'],
    document: (names) => ({ version: 1, names }),
    undone: () => counts.undone++,
    changed: () => counts.changed++,
  });
  /** Lets pending promise callbacks run (no clock involved). */
  const drain = async () => {
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };
  /** Settles the oldest write still waiting: on disk, or failed with `err`. */
  const finish = async (err?: Error) => {
    await drain();
    const next = pending.shift();
    if (!next) throw new Error('no write is waiting');
    next.settle(err);
    await drain();
  };
  const names = (text: string) => (JSON.parse(text) as { names: string[] }).names;
  return { store, disk, pending, logs, counts, finish, drain, names };
}

describe('SettingsBook', () => {
  it('loads the book from the file', async () => {
    const { store } = setup();
    await store.load();
    expect(store.book.all()).toEqual(['from-file']);
  });

  it('a failed save undoes the change, says why and answers save_failed', async () => {
    const t = setup();
    const first = t.store.change((b) => b.add('a'));
    await t.finish();
    await expect(first).resolves.toBe(1);
    expect(t.names(t.disk.file)).toEqual(['a']);

    const second = t.store.change((b) => b.add('b'));
    expect(t.store.book.all()).toEqual(['a', 'b']);
    await t.finish(diskFull());
    await expect(second).rejects.toMatchObject({
      code: 'save_failed',
      message: expect.stringMatching(/^could not save the names to \/config\/names\.json: the disk is full/),
    });
    expect(t.store.book.all()).toEqual(['a']);
    expect(t.counts.undone).toBe(1);
    expect(t.store.saveError).toMatch(/^could not save the names/);
    expect(t.store.failures).toBe(1);
    expect(t.logs).toEqual([t.store.saveError]);
    expect(t.names(t.disk.file)).toEqual(['a']);
  });

  it('a later good save clears saveError and says so', async () => {
    const t = setup();
    const failed = t.store.change((b) => b.add('a'));
    await t.finish(diskFull());
    await expect(failed).rejects.toMatchObject({ code: 'save_failed' });
    expect(t.store.saveError).toBeDefined();

    const before = t.counts.changed;
    const good = t.store.change((b) => b.add('b'));
    await t.finish();
    await good;
    expect(t.store.saveError).toBeUndefined();
    // One for the change, one for the cleared failure.
    expect(t.counts.changed - before).toBe(2);
    expect(t.store.failures).toBe(1);
    expect(t.names(t.disk.file)).toEqual(['b']);
  });

  it('saves never overlap: each write starts after the one before it ended, in order', async () => {
    const t = setup();
    const changes = ['a', 'b', 'c'].map((n) => t.store.change((b) => b.add(n)));
    let done = false;
    const all = t.store.saved().then(() => (done = true));
    await t.drain();
    expect(t.disk.started).toHaveLength(1);
    await t.finish();
    expect(t.disk.started).toHaveLength(2);
    await t.finish(diskFull());
    expect(t.disk.started).toHaveLength(3);
    expect(done).toBe(false);
    await t.finish();
    await all;
    expect(t.disk.most).toBe(1);
    expect(t.disk.started.map(t.names)).toEqual([['a'], ['a', 'b'], ['a', 'b', 'c']]);
    const results = await Promise.allSettled(changes);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    // The failed write's change reached the file with the later one, so nothing was undone.
    expect(t.counts.undone).toBe(0);
    expect(t.store.book.all()).toEqual(['a', 'b', 'c']);
    expect(t.store.saveError).toBeUndefined();
  });
});
