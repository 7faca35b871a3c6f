import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The panel: web/ is the Vite root, output in web/dist, which the server serves at `/`. */
export default defineConfig({
  root,
  base: '/',
  // No prerendering: the panel is a client-only app that draws itself from the WebSocket hello.
  plugins: [preact({ prerender: { enabled: false }, devtoolsInProd: false })],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No CDN on stage: everything is bundled into dist, assets inlined when small.
    assetsInlineLimit: 8192,
    target: 'es2022',
    chunkSizeWarningLimit: 600,
  },
  server: {
    // `npx vite --config web/vite.config.ts` during development, proxying to a running server started with
    // `--cors-origin http://localhost:5173`: the guard lets in only pages of the server's own origin otherwise.
    proxy: {
      '/api': 'http://127.0.0.1:8000',
      '/whep': 'http://127.0.0.1:8000',
      '/output': 'http://127.0.0.1:8000',
      '/ws': { target: 'ws://127.0.0.1:8000', ws: true },
    },
  },
});
