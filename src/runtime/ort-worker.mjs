// Runs onnxruntime sessions off the main thread. onnxruntime-node's session.run is synchronous, so on the main
// thread every frame would stall HTTP, WebSocket and output traffic for the length of the render. The server is
// TypeScript shared with the in-process transport; tsx (a dependency, as for `npm start`) compiles it here.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
// The onnxruntime-node DAYDREAM_SCOPE_ORT_CORE names, resolved as the server resolved it (ort-core.ts).
const [{ loadOrt }, { SessionServer }] = await Promise.all([import('./ort-core.ts'), import('./session-server.ts')]);
const server = new SessionServer(loadOrt().ort);

parentPort.on('message', ({ rid, msg }) => {
  server.handle(msg).then(
    ({ value, transfer }) => parentPort.postMessage({ rid, ok: true, value }, transfer),
    (err) => parentPort.postMessage({ rid, ok: false, message: err?.message ?? String(err) }),
  );
});
