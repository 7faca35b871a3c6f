// Runs onnxruntime sessions in a child process: a native abort, an out-of-memory kill or a hang in onnxruntime
// ends or stalls this process only, never the server. The server is the same TypeScript as the worker thread's;
// tsx (a dependency, as for `npm start`) compiles it here. Messages use the advanced (structured clone)
// serialization, so typed arrays cross as they are.
import { register } from 'tsx/esm/api';

register();
const [{ default: ort }, { SessionServer }, { applyChildFault }] = await Promise.all([
  import('onnxruntime-node'),
  import('./session-server.ts'),
  import('./child-faults.ts'),
]);
const server = new SessionServer(ort);
const writer = await sharedWriter();
const faults = process.env.DAYDREAM_SCOPE_FAULTS === '1';

const answer = (msg) => {
  if (msg.op !== 'fault') return server.handle(msg);
  applyChildFault(msg.fault, faults);
  return Promise.resolve({ value: {} });
};

// Big tensors of a reply go through the shared memory the server made, while it has room (shared-frames.ts).
async function sharedWriter() {
  const path = process.env.DAYDREAM_SCOPE_SHARED_PATH;
  if (!path) return undefined;
  try {
    const [{ SharedRegion }, { SharedWriter }] = await Promise.all([
      import('./shared-region.ts'),
      import('./shared-frames.ts'),
    ]);
    return new SharedWriter(SharedRegion.open(path, Number(process.env.DAYDREAM_SCOPE_SHARED_BYTES)).bytes);
  } catch (err) {
    console.error(`no shared memory for frames, the pipe carries them: ${err?.message ?? err}`);
    return undefined;
  }
}

process.on('message', ({ rid, msg, consumed }) => {
  let reply;
  try {
    reply = answer(msg);
  } catch (err) {
    reply = Promise.reject(err);
  }
  reply.then(
    ({ value }) => process.send({ rid, ok: true, value: writer ? writer.place(value, consumed ?? 0) : value }),
    (err) => process.send({ rid, ok: false, message: err?.message ?? String(err) }),
  );
});
// The server went away (it exited, or crashed itself): nothing is left to serve.
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
