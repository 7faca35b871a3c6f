import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SettingsWriter, settingsText } from '../../src/settings-writer';
import { loadMappings, toDocument } from './mappings-file';
import { mapping, rig } from './test-support';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'scope-midi-file-'));
  dirs.push(dir);
  return dir;
}

const sample = [
  mapping('level', { kind: 'cc14', number: 1 }, { device: 'Pad', channel: 2, min: 0.1, curve: 'log' }),
  mapping('freeze', { kind: 'note', note: 36, mode: 'toggle' }, { id: 'pad-36' }),
];

describe('the mappings file', () => {
  it('round-trips, written atomically (as the service writes it) with no temporary file left behind', async () => {
    const dir = await tempDir();
    const file = join(dir, 'midi-mappings.json');
    const writer = new SettingsWriter({ path: file, what: 'the MIDI mappings', log: () => {} });
    await writer.save(settingsText(toDocument(sample)), () => {});
    expect(await readdir(dir)).toEqual(['midi-mappings.json']);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ version: 1, mappings: sample });
    expect(await loadMappings(file, () => {})).toEqual(sample);
  });

  it('a missing file is no mappings, quietly', async () => {
    const logs: string[] = [];
    expect(await loadMappings(join(await tempDir(), 'none.json'), (m) => logs.push(m))).toEqual([]);
    expect(logs).toEqual([]);
  });

  const bad: [string, string, RegExp][] = [
    ['not JSON', '{"mappings": [', /not JSON/],
    ['wrong shape', '{"mappings": [{"id": "x"}]}', /mappings\.0\./],
    ['channel 17', JSON.stringify({ mappings: [{ ...sample[0], channel: 17 }] }), /channel/],
    ['duplicate ids', JSON.stringify({ mappings: [sample[0], sample[0]] }), /duplicate id/],
  ];
  it.each(bad)(
    'a bad file (%s) is kept as .bad, said in one sentence, and the show starts empty',
    async (_n, text, why) => {
      const dir = await tempDir();
      const file = join(dir, 'midi-mappings.json');
      await writeFile(file, text);
      const logs: string[] = [];
      expect(await loadMappings(file, (m) => logs.push(m))).toEqual([]);
      expect(logs).toHaveLength(1);
      expect(logs[0]).toMatch(why);
      const names = await readdir(dir);
      expect(names).toEqual([expect.stringMatching(/^midi-mappings\.json\.\d{4}-\d\d-\d\dT[\d-]+Z(-\d+)?\.bad$/)]);
      expect(logs[0]).toContain(`kept it as ${join(dir, names[0]!)}`);
      expect(await readFile(join(dir, names[0]!), 'utf8')).toBe(text);
    },
  );

  it('the service loads the file at start and saves every change', async () => {
    const first = await rig({ mappings: sample });
    await first.service.patchMapping('pad-36', { mode: 'momentary' });
    await first.service.stop();
    const second = await rig({ mappingsFile: first.file });
    try {
      expect(second.service.mappings().find((m) => m.id === 'pad-36')?.control).toEqual({
        kind: 'note',
        note: 36,
        mode: 'momentary',
      });
      expect(second.service.mappings()).toHaveLength(2);
    } finally {
      await second.close();
      await first.close();
    }
  });

  it('a failed save is refused with save_failed, logged and counted; the mapping is not kept', async () => {
    const r = await rig();
    try {
      // A directory where the file should be: the rename cannot replace it.
      const blocked = await rig({ mappingsFile: r.dir });
      await expect(
        blocked.service.addMapping({ param: 'level', control: { kind: 'cc', number: 1 } }),
      ).rejects.toMatchObject({ code: 'save_failed', message: expect.stringContaining('(EISDIR)') });
      expect(blocked.service.mappings()).toEqual([]);
      expect(blocked.service.status().errors).toBe(1);
      expect(blocked.logs.some((l) => l.startsWith(`could not save the MIDI mappings to ${r.dir}`))).toBe(true);
      await blocked.close();
    } finally {
      await r.close();
    }
  });
});
