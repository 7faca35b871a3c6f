import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { listenFailure, listenOn, listenOrSwitchOff } from './listen';

const err = (code: string, message = 'x') => Object.assign(new Error(message), { code });
const osc = { what: 'OSC', host: '127.0.0.1', port: 9000, flag: '--osc-port' };

describe('listenFailure: one sentence per way a port can be refused', () => {
  it.each([
    ['EADDRINUSE', osc, 'OSC port 9000 already in use on 127.0.0.1'],
    [
      'EACCES',
      { ...osc, port: 80 },
      'OSC port 80 on 127.0.0.1 is not allowed for this user; choose a port above 1023 with --osc-port',
    ],
    [
      'EADDRNOTAVAIL',
      { ...osc, host: '10.9.9.9' },
      'Address 10.9.9.9 is not available on this machine; choose another with --host',
    ],
    ['EADDRINUSE', { ...osc, what: undefined }, 'Port 9000 already in use on 127.0.0.1'],
    ['EWHATEVER', osc, 'OSC port 9000 on 127.0.0.1 could not be opened: boom'],
  ])('%s', (code, target, sentence) => {
    expect(listenFailure(err(code, 'boom'), target)).toBe(sentence);
  });
});

describe('listenOrSwitchOff', () => {
  it('says why and returns the sentence when the port is taken, null when it listens', async () => {
    const squatter = createServer();
    await listenOn(squatter, () => squatter.listen(0, '127.0.0.1'));
    const port = (squatter.address() as { port: number }).port;
    const logs: string[] = [];
    const second = createServer();
    const t = { what: 'OSCQuery', host: '127.0.0.1', port, flag: '--oscquery-port' };
    const failed = await listenOrSwitchOff(
      t,
      () => listenOn(second, () => second.listen(port, '127.0.0.1')),
      (m) => logs.push(m),
    );
    expect(failed).toBe(`OSCQuery port ${port} already in use on 127.0.0.1; OSCQuery is off.`);
    expect(logs).toEqual([failed]);
    squatter.close();
    const third = createServer();
    expect(
      await listenOrSwitchOff(
        { ...t, port: 0 },
        () => listenOn(third, () => third.listen(0, '127.0.0.1')),
        (m) => logs.push(m),
      ),
    ).toBeNull();
    third.close();
  });
});
