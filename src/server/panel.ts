import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';

/** Where `npm run build` puts the web panel. */
export const defaultWebRoot = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** The built panel from `webRoot` when it exists, else a placeholder page with the MJPEG stream. */
export function panelRoutes(webRoot: string, version: string): Hono {
  const app = new Hono();
  if (existsSync(join(webRoot, 'index.html'))) {
    app.use('/*', serveStatic({ root: webRoot }));
    return app;
  }
  app.get('/', (c) => c.html(placeholder(version)));
  return app;
}

const links = [
  ['/health', 'health'],
  ['/api/v1/pipelines', 'pipelines'],
  ['/api/v1/pipeline/status', 'pipeline status'],
  ['/api/v1/parameters', 'parameters'],
  ['/api/v1/stats', 'stats'],
  ['/api/v1/frame', 'newest frame (JPEG)'],
  ['/api/v1/stream.mjpeg', 'MJPEG stream'],
];

function placeholder(version: string): string {
  const items = links.map(([href, label]) => `<li><a href="${href}">${label}</a> <code>${href}</code></li>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>daydream-scope</title>
<style>
  body { margin: 0; font: 14px/1.5 system-ui, sans-serif; background: #111; color: #ddd; display: flex; flex-wrap: wrap; gap: 24px; padding: 24px; }
  img { max-width: min(100%, 768px); background: #000; image-rendering: auto; }
  div { flex: 1 1 320px; max-width: 520px; }
  a { color: #8cf; } code { color: #888; } h1 { font-size: 18px; margin: 0 0 8px; }
</style>
</head>
<body>
<img src="/api/v1/stream.mjpeg" alt="live output">
<div>
<h1>daydream-scope ${version}</h1>
<p>The image is the live output. The control panel (web/) is not built in this checkout; until it is, every parameter is reachable through the API:</p>
<ul>${items}</ul>
<p>WebSocket: <code>/ws</code></p>
</div>
</body>
</html>
`;
}
