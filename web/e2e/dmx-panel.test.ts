/**
 * End to end: the panel's DMX card and latency lines in headless Chromium against a real server listening for
 * Art-Net. Skipped (with a note) where Chromium is not installed, as panel.test.ts is.
 */
import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../src/server/test-support';
import { encodeArtDmx } from '../../src/media/artnet';
import { hasChromium, startRig } from './test-harness';
import type { Rig } from './test-harness';
import type { Socket } from 'node:dgram';

const describeE2e = hasChromium || process.env.CI ? describe : describe.skip;

describeE2e('DMX and latency in the panel', () => {
  let rig: Rig;
  let desk: Socket;
  const page = () => rig.page;
  const api = async (path: string, init: RequestInit = {}) => (await fetch(`${rig.url}/api/v1${path}`, init)).json();
  const frames = () => rig.services.engine.getStats().frames;

  /** Sends channel 5 of Art-Net universe 0 at `level`, then lets two frames apply it. */
  async function fader(port: number, level: number) {
    const levels = new Uint8Array(6);
    levels[4] = level;
    desk.send(encodeArtDmx(0, levels), port, '127.0.0.1');
    const after = frames() + 2;
    await waitFor(() => frames() >= after, 5000, 'two frames after the packet');
  }

  beforeAll(async () => {
    desk = createSocket('udp4');
    rig = await startRig({ artnet: 0, midi: false });
    await page().goto(rig.url);
  }, 60_000);
  afterAll(async () => {
    desk?.close();
    await rig?.stop();
  });

  it('learns a desk channel from the DMX card, shows the mapping and removes it', async () => {
    const card = page().locator('section[aria-label="dmx"]');
    await card
      .getByText(/Art-Net/)
      .first()
      .waitFor();
    const { artnet } = (await api('/dmx')) as { artnet: { port: number } };
    await card.getByRole('combobox', { name: 'parameter to learn' }).selectOption('zoom');
    await card.getByRole('button', { name: 'Learn', exact: true }).click();
    await card.getByRole('button', { name: 'Learning…' }).waitFor();
    await fader(artnet.port, 0); // where the fader stands: the baseline
    await fader(artnet.port, 200);
    await card.getByText('← Art-Net 0 · ch 5').waitFor();
    expect(((await api('/dmx/mappings')) as { mappings: unknown[] }).mappings).toMatchObject([
      { param: 'zoom', protocol: 'artnet', universe: 0, channel: 5 },
    ]);
    await card.getByRole('button', { name: 'remove zoom' }).click();
    await card.getByText('No mappings yet.').waitFor();
  });

  it('shows the latency of a change and sets the output delay', async () => {
    await fetch(`${rig.url}/api/v1/parameters`, { method: 'PATCH', body: JSON.stringify({ zoom: 2 }) });
    const health = page().locator('section[aria-label="health"]');
    await health.locator('[data-latency="http"]').waitFor();
    await health.getByRole('spinbutton', { name: 'output delay' }).fill('150');
    await health.getByRole('button', { name: 'Set' }).click();
    await health.getByText('150 ms now').waitFor();
    expect(await api('/output-delay')).toMatchObject({ unit: 'ms', value: 150, ms: 150 });
  });
});
