import { describe, expect, it } from 'vitest';
import { service, startServices } from './service-list';
import type { AnyService } from './service-list';

interface All {
  port: number;
  socket: string;
}
const svc = service<All, string[]>();

/** A fake service that records its start and stop in `log`; `fail` makes that step throw. */
function fake(name: string, log: string[], fail: { start?: boolean; stop?: boolean } = {}): AnyService<All, string[]> {
  return svc({
    name,
    flags: [],
    needs: [],
    start: async () => {
      await Promise.resolve();
      if (fail.start) throw new Error(`${name} cannot start`);
      log.push(`start ${name}`);
      return {
        routes: [`/${name}`],
        stop: () => {
          log.push(`stop ${name}`);
          if (fail.stop) throw new Error(`${name} cannot stop`);
        },
      };
    },
  });
}

describe('the service list', () => {
  it('starts in the list order and stops in reverse', async () => {
    const log: string[] = [];
    const running = await startServices([fake('a', log), fake('b', log), fake('c', log)], {});
    expect(running.started.map((s) => s.name)).toEqual(['a', 'b', 'c']);
    await running.stop();
    expect(log).toEqual(['start a', 'start b', 'start c', 'stop c', 'stop b', 'stop a']);
  });

  it('stops once however often stop() is called', async () => {
    const log: string[] = [];
    const running = await startServices([fake('a', log)], {});
    await Promise.all([running.stop(), running.stop()]);
    await running.stop();
    expect(log).toEqual(['start a', 'stop a']);
  });

  it('rolls back a half-done start in reverse order and throws the failure', async () => {
    const log: string[] = [];
    const list = [fake('a', log), fake('b', log), fake('c', log, { start: true }), fake('d', log)];
    await expect(startServices(list, {})).rejects.toThrow('c cannot start');
    expect(log).toEqual(['start a', 'start b', 'stop b', 'stop a']);
  });

  it('throws the start failure even when a rollback stop throws too', async () => {
    const log: string[] = [];
    const list = [fake('a', log), fake('b', log, { stop: true }), fake('c', log, { start: true })];
    await expect(startServices(list, {})).rejects.toThrow('c cannot start');
    expect(log).toEqual(['start a', 'start b', 'stop b', 'stop a']);
  });

  it('a stop that throws does not keep the others from stopping, and is reported by name', async () => {
    const log: string[] = [];
    const running = await startServices([fake('a', log), fake('b', log, { stop: true }), fake('c', log)], {});
    await expect(running.stop()).rejects.toThrow('stopping b (b cannot stop) failed; every other service stopped');
    expect(log).toEqual(['start a', 'start b', 'start c', 'stop c', 'stop b', 'stop a']);
  });

  it('passes what a service needs from the core and from the services before it', async () => {
    const seen: unknown[] = [];
    const opener = svc({
      name: 'opener',
      flags: ['port'],
      needs: ['port'],
      start: ({ port }) => ({ provides: { socket: `udp:${port}` }, commands: ['open'] }),
    });
    const user = svc({
      name: 'user',
      flags: [],
      needs: ['socket'],
      start: ({ socket }, before) => {
        seen.push(
          socket,
          before.map((s) => [s.name, s.commands]),
        );
        return {};
      },
    });
    await startServices([opener, user], { port: 9000 });
    expect(seen).toEqual(['udp:9000', [['opener', ['open']]]]);
  });

  it('refuses a service whose need nothing before it provides, and rolls back', async () => {
    const log: string[] = [];
    const user = svc({ name: 'user', flags: [], needs: ['socket'], start: () => ({}) });
    await expect(startServices([fake('a', log), user], { port: 1 })).rejects.toThrow(
      'service "user" needs socket, which neither the core nor a service before it provides',
    );
    expect(log).toEqual(['start a', 'stop a']);
  });
});
