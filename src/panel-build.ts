/**
 * Builds the panel (web/) with Vite's JS API when web/dist/index.html is missing or older than the panel's sources,
 * so a fresh clone's `npm install && npm start` shows the panel. A failed build is logged and the server starts
 * anyway with its placeholder page: the show must not depend on the panel.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = fileURLToPath(new URL('../web', import.meta.url));
/** Path of the built panel's index.html. */
export const distIndex = join(webDir, 'dist', 'index.html');

/** Newest modification time (ms) under the panel's sources: web/src, index.html, the Vite config, src/shared. */
function newestSource(): number {
  const roots = [
    join(webDir, 'src'),
    join(webDir, 'index.html'),
    join(webDir, 'vite.config.ts'),
    join(webDir, '..', 'src', 'shared'),
  ];
  let newest = 0;
  const visit = (path: string) => {
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    else if (!/\.test\.tsx?$/.test(path)) newest = Math.max(newest, st.mtimeMs);
  };
  roots.forEach(visit);
  return newest;
}

/** Builds web/dist unless it is present and newer than its sources (or `force`); never rejects. */
export async function ensurePanelBuilt(
  options: { force?: boolean; log?: (line: string) => void } = {},
): Promise<'present' | 'built' | 'failed'> {
  const log = options.log ?? ((line: string) => console.log(line));
  if (!options.force && existsSync(distIndex) && statSync(distIndex).mtimeMs >= newestSource()) return 'present';
  const started = Date.now();
  try {
    const { build } = await import('vite');
    await build({ configFile: join(webDir, 'vite.config.ts'), logLevel: 'error' });
    log(`Built the web panel into web/dist in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    return 'built';
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    log(`Could not build the web panel (${why}); serving the placeholder page. Try \`npm run build\`.`);
    return 'failed';
  }
}
