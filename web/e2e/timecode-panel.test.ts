/**
 * End to end: the panel's Timecode card in headless Chromium against a real server running the internal timecode
 * generator. Skipped (with a note) where Chromium is not installed, as panel.test.ts is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, startRig } from './test-harness';
import type { Rig } from './test-harness';

const describeE2e = hasChromium || process.env.CI ? describe : describe.skip;

describeE2e('timecode in the panel', () => {
  let rig: Rig;
  const page = () => rig.page;
  const api = async (path: string) => (await fetch(`${rig.url}/api/v1${path}`)).json();

  beforeAll(async () => {
    rig = await startRig({ timecode: 'internal', midi: false });
    await page().goto(rig.url);
  }, 60_000);
  afterAll(async () => {
    await rig?.stop();
  });

  it('locates, runs and stops the generator and sets the chase from the card', async () => {
    const card = page().locator('section[aria-label="timecode"]');
    await card.getByText('internal generator').waitFor();
    const position = card.getByLabel('timecode position');

    await card.getByLabel('locate to').fill('01:00:00:00');
    await card.getByRole('button', { name: 'Locate' }).click();
    await card.locator('output', { hasText: '01:00:00:00' }).waitFor();
    expect(await api('/timecode')).toMatchObject({ position: '01:00:00:00', state: 'stopped' });

    await card.getByRole('button', { name: 'Run' }).click();
    await card.locator('[data-state="running"]').waitFor();
    // The position counts on in the card between the server's events: wait until it has moved.
    await card.locator('output', { hasNotText: '01:00:00:00' }).waitFor();
    expect(await api('/timecode')).toMatchObject({ state: 'running' });

    await card.getByRole('button', { name: 'Stop' }).click();
    await card.locator('[data-state="stopped"]').waitFor();
    const stopped = (await api('/timecode')) as { position: string };
    await card.locator('output', { hasText: stopped.position }).waitFor();
    expect(await position.textContent()).toBe(stopped.position);

    // A click, not check(): the box is controlled by the server's settings, so it shows the tick once the answer
    // is back, and check() (which wants the tick at once) failed when the machine was slow to answer.
    await card.getByLabel('timeline chases timecode').click();
    await expect
      .poll(async () => ((await api('/timecode')) as { chase: { timeline: boolean } }).chase.timeline)
      .toBe(true);
    await card.locator('input[aria-label="timeline chases timecode"]:checked').waitFor();
  });
});
