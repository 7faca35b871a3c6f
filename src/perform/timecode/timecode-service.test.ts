import { describe, expect, it } from 'vitest';
import { rigsClosedAfterEach } from './test-support';
import { addTimecodeCommands } from './commands';
import { CommandRegistry } from '../../kernel/commands';

const rig = rigsClosedAfterEach();

describe('the internal generator', () => {
  it('runs from a locate on the clock, frame by frame, and its cues go as it passes them', async () => {
    const r = await rig({ source: 'internal' });
    await r.service.putCue({ name: 'A', values: { zoom: 4 }, fade: 0, curve: 'linear', timecode: '00:59:59:29' });
    await r.service.putCue({ name: 'B', values: { zoom: 5 }, fade: 0, curve: 'linear', timecode: '01:00:00:15' });
    expect(r.timecode.status()).toMatchObject({ source: 'internal', rate: '25', position: null, state: 'stopped' });
    await r.timecode.update({ rate: '30', locate: '00:59:59:20' });
    expect(r.timecode.status()).toMatchObject({ position: '00:59:59:20', state: 'stopped', rate: '30' });
    // A locate while stopped moves the position only: no cue lands until it runs.
    expect(r.timecode.status().lastCue).toBeNull();
    r.timecode.transport({ running: true });
    // From a locate, running is a jump: nothing lies at or before 00:59:59:20.
    r.clock.advance(310);
    r.frame();
    expect(r.timecode.status()).toMatchObject({ position: '00:59:59:29', lastCue: 'A' });
    expect(r.params.get('zoom')).toBe(4);
    r.clock.advance(540);
    r.frame();
    expect(r.timecode.status()).toMatchObject({ position: '01:00:00:15', lastCue: 'B' });
    expect(r.params.get('zoom')).toBe(5);
    await r.timecode.update({ running: false });
    r.clock.advance(5000);
    expect(r.timecode.status()).toMatchObject({ position: '01:00:00:15', state: 'stopped' });
  });

  it('is run and located by commands (OSC /scope/timecode/...), a bad timecode refused with a sentence', async () => {
    const r = await rig({ source: 'internal' });
    const commands = new CommandRegistry();
    addTimecodeCommands(commands, r.timecode);
    expect(commands.get('timecode/locate')!.run('25:00:00:00')).toEqual({
      ok: false,
      reason: 'timecode 25:00:00:00: hours go from 00 to 23',
    });
    expect(r.timecode.status().position).toBeNull();
    expect(commands.get('timecode/locate')!.run('02:00:00:00')).toEqual({ ok: true, detail: '02:00:00:00' });
    expect(commands.get('timecode/run')!.run(true)).toEqual({ ok: true, detail: '02:00:00:00' });
    r.clock.advance(1000);
    expect(r.timecode.status()).toMatchObject({ state: 'running', position: '02:00:01:00' });
  });

  it('refuses a locate to a frame the rate has not, changing nothing (01:00:00:27 at 25 fps would land on 01:00:01:02)', async () => {
    const r = await rig({ source: 'internal' });
    await r.timecode.update({ rate: '25', locate: '01:00:00:10' });
    await expect(r.timecode.update({ locate: '01:00:00:27' })).rejects.toThrow(
      'timecode 01:00:00:27: frames go from 00 to 24 at 25 fps',
    );
    await expect(r.timecode.update({ rate: '24', locate: '01:00:00:24' })).rejects.toThrow(
      'timecode 01:00:00:24: frames go from 00 to 23 at 24 fps',
    );
    expect(r.timecode.saved().rate).toBe('25');
    const commands = new CommandRegistry();
    addTimecodeCommands(commands, r.timecode);
    expect(commands.get('timecode/locate')!.run('00:01:00:01')).toEqual({ ok: true, detail: '00:01:00:01' });
    await r.timecode.update({ rate: '29.97df' });
    expect(commands.get('timecode/locate')!.run('00:01:00:01')).toEqual({
      ok: false,
      reason:
        'timecode 00:01:00:01 does not exist at 29.97 drop-frame: ;00 and ;01 are skipped each minute but every tenth',
    });
    // Where the change of rate put it (00:01:00;01 has no frame of its own), not moved by the refused locate.
    expect(r.timecode.status().position).toBe('00:00:59;29');
  });

  it('keeps its label across a change of rate', async () => {
    const r = await rig({ source: 'internal' });
    await r.timecode.update({ rate: '29.97df', locate: '00:10:00:00' });
    await r.timecode.update({ rate: '24' });
    expect(r.timecode.status()).toMatchObject({ rate: '24', position: '00:10:00:00' });
  });

  it('timecode off refuses the transport with a sentence and changes nothing', async () => {
    const r = await rig({ source: 'off' });
    await expect(r.timecode.update({ running: true })).rejects.toThrow(
      'timecode is off: start the server with --timecode internal to run the generator',
    );
    r.timecode.hear({ frames: 100, rate: '25', at: 0 });
    expect(r.timecode.status()).toMatchObject({ source: 'off', position: null, heard: 0 });
  });
});

describe('timecode settings', () => {
  it('are saved in timecode.json and read back by the next start', async () => {
    const r = await rig();
    await r.timecode.update({ chase: { timeline: true, timelineStart: '10:00:00:00' }, rate: '24' });
    await r.timecode.close();
    const next = await r.make();
    expect(next.status().chase).toEqual({ cues: true, timeline: true, timelineStart: '10:00:00:00' });
    await next.close();
  });

  it('a failed save is refused with save_failed and leaves the settings as the file has them', async () => {
    let full = false;
    const r = await rig({
      write: async (path, text) => {
        if (full) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        const { writeFileAtomic } = await import('../../files');
        await writeFileAtomic(path, text);
      },
    });
    full = true;
    await expect(r.timecode.update({ chase: { cues: false } })).rejects.toMatchObject({ code: 'save_failed' });
    expect(r.timecode.status().chase.cues).toBe(true);
  });
});
