import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const fixture = fileURLToPath(new URL('./test-lan.ts', import.meta.url));

// LAN mode needs addresses that are not loopback; a network namespace of our own gives them without touching a real
// network. Creating one needs root (CI and the dev machines run as root).
const canUnshare = process.platform === 'linux' && process.getuid?.() === 0;
// The two "LAN" addresses sit on the namespace's own loopback device (containers often lack the dummy and veth
// drivers): to the server they are plain non-loopback peers.
const setup = ['ip link set lo up', 'ip addr add 10.77.0.1/32 dev lo', 'ip addr add 10.77.0.2/32 dev lo'].join(' && ');

// Outside CI a machine without it skips; CI installs it, so there a missing one fails instead of skipping.
describe.skipIf(!canUnshare && !process.env.CI)('LAN mode (0.0.0.0 in a private network namespace)', () => {
  it('needs the token from other machines, keeps OSC to the allowlist, and lets this machine in', async () => {
    const { stdout } = await run(
      'unshare',
      ['-n', 'sh', '-c', `${setup} && exec "$0" --import tsx "$1"`, process.execPath, fixture],
      { timeout: 40_000 },
    );
    const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown> & {
      openUrl: { status: number; cookie: string | null; location: string | null };
      refused: Record<string, number>;
    };
    expect(r.tokenFileMode).toBe('600');
    expect(r.mdns).toBe(true);
    expect(r.noToken).toMatchObject({ status: 401 });
    expect(r.bearer).toMatchObject({ status: 200 });
    expect(r.wrongBearer).toMatchObject({ status: 401 });
    // Opening the printed URL sets the HttpOnly cookie and sends the browser on without the token in the URL.
    expect(r.openUrl.status).toBe(303);
    expect(r.openUrl.location).toBe('/');
    expect(r.openUrl.cookie).toMatch(/^daydream_scope_token=.+; Path=\/; HttpOnly; SameSite=Strict$/);
    expect(r.cookie).toMatchObject({ status: 200 });
    expect(r.patchNoToken).toMatchObject({ status: 401 });
    expect(r.levelAfterRefusedPatch).toBe(10);
    expect(r.thisMachine).toMatchObject({ status: 200 });
    expect(r.badHost).toMatchObject({ status: 421 });
    expect(r.wsNoToken).toBe(401);
    expect(r.wsToken).toBe(101);
    expect(r.oscQueryNoToken).toBe(401);
    expect(r.oscQueryAllowlisted).toBe(101);
    expect(r.oscFromStranger).toBe(10);
    expect(r.oscFromAllowed).toBe(43);
    expect(r.tokenPageOrigin).toMatchObject({ status: 200 });
    expect(r.otherPortOrigin).toMatchObject({ status: 403 });
    expect(r.refused.no_token).toBeGreaterThanOrEqual(5);
    expect(r.refused.osc_sender_not_allowed).toBe(1);
  }, 45_000);
});
