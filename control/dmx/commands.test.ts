import { afterEach, describe, expect, it } from 'vitest';
import { dmxCommands } from './commands';
import { dmxRig } from './test-support';
import { CommandRegistry } from '../../src/kernel/commands';
import type { DmxRig } from './test-support';

const rigs: DmxRig[] = [];
afterEach(async () => {
  await Promise.all(rigs.splice(0).map((r) => r.close()));
});

describe('DMX learn as commands (OSC /scope/dmx/learn, WebSocket)', () => {
  it('arms 8- and 16-bit learn, cancels it, and says why when it cannot', async () => {
    const r = await dmxRig({ sacn: { host: '127.0.0.1', port: 0 } });
    rigs.push(r);
    const commands = new CommandRegistry();
    const remove = dmxCommands(r.service, commands);
    expect(commands.get('dmx/learn')!.run('nope')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('unknown parameter "nope"'),
    });
    expect(commands.get('dmx/learn16')!.run('hue')).toMatchObject({ ok: true });
    expect(r.service.status().learning).toMatchObject({ param: 'hue', bits: 16 });
    expect(commands.get('dmx/learn/cancel')!.run(undefined)).toEqual({ ok: true, detail: 'learn cancelled' });
    expect(r.service.status().learning).toBeNull();
    remove();
    expect(commands.get('dmx/learn')).toBeUndefined();
  });
});
