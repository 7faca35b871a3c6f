import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { outputsPart } from './device-parts';
import { minimalShow } from './test-show';
import { readShow } from './migrate';
import type { OutputsFacade } from './device-parts';
import type { OutputInfo } from '../shared/outputs';

const whipOptions = z.strictObject({ url: z.string(), maxFps: z.number() }).partial();

/** A WHIP output whose endpoint URL is `url`; records the patches it is given. */
function whipHub(url: string) {
  const info: OutputInfo = {
    id: 'whip',
    kind: 'whip',
    name: 'WHIP push',
    available: true,
    enabled: true,
    state: 'running',
    clients: 0,
    fps: 30,
    dropped: 0,
    errors: 0,
    options: { url, maxFps: 30 },
  };
  const patches: Record<string, unknown>[] = [];
  const hub: OutputsFacade = {
    list: () => [info],
    parseOptions: (_, patch) => whipOptions.safeParse(patch),
    setOptions: async (_, patch) => {
      patches.push(patch);
      info.options = { ...info.options, ...patch };
    },
    setEnabled: async () => {},
  };
  return { hub, info, patches };
}

describe('show file outputs', () => {
  it.each([
    'https://show:hunter2@sfu.example/whip',
    'https://sfu.example/whip?access_token=hunter2',
    'https://sfu.example/whip?key=hunter2',
  ])('an endpoint URL carrying a credential (%s) stays out of the export', async (url) => {
    const { hub } = whipHub(url);
    const share = await outputsPart(hub).read({});
    expect(JSON.stringify(share)).not.toContain('hunter2');
    expect(share.outputs).toEqual([{ id: 'whip', enabled: true, options: { maxFps: 30 } }]);
  });

  it('an endpoint URL without credentials is exported, and importing a show without it keeps this machine’s', async () => {
    const plain = whipHub('https://sfu.example/whip');
    expect((await outputsPart(plain.hub).read({})).outputs?.[0]?.options).toEqual({
      url: 'https://sfu.example/whip',
      maxFps: 30,
    });
    const secret = whipHub('https://show:hunter2@sfu.example/whip');
    const outputs = [{ id: 'whip', enabled: true, options: { maxFps: 25 } }];
    const { show } = readShow(JSON.stringify({ ...minimalShow(), outputs }));
    await outputsPart(secret.hub).apply(show);
    expect(secret.patches).toEqual([{ maxFps: 25 }]);
    expect(secret.info.options.url).toBe('https://show:hunter2@sfu.example/whip');
  });
});
