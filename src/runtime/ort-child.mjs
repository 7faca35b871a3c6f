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
const shared = await sharedRings();
const faults = process.env.DAYDREAM_SCOPE_FAULTS === '1';

const answer = (msg) => {
  if (msg.op !== 'fault') return server.handle(msg);
  applyChildFault(msg.fault, faults);
  return Promise.resolve({ value: {} });
};

// Big tensors go through the shared memory the server made, while there is room (shared-frames.ts): replies in the
// first half (written here), requests in the second (read here).
async function sharedRings() {
  const path = process.env.DAYDREAM_SCOPE_SHARED_PATH;
  if (!path) return undefined;
  try {
    const [{ SharedRegion }, { SharedWriter, SharedReader }] = await Promise.all([
      import('./shared-region.ts'),
      import('./shared-frames.ts'),
    ]);
    const size = Number(process.env.DAYDREAM_SCOPE_SHARED_BYTES);
    const region = SharedRegion.open(path, size);
    const half = Math.floor(size / 2);
    const requests = { bytes: region.bytes.subarray(half), mapped: true };
    return { writer: new SharedWriter(region.bytes.subarray(0, half)), reader: new SharedReader(requests) };
  } catch (err) {
    console.error(`no shared memory for frames, the pipe carries them: ${err?.message ?? err}`);
    return undefined;
  }
}

process.on('message', ({ rid, msg, consumed }) => {
  let reply;
  try {
    reply = answer(shared ? shared.reader.take(msg) : msg);
  } catch (err) {
    reply = Promise.reject(err);
  }
  // Each reply says how far this process has read the requests' ring, so the server may write over it again.
  const read = () => shared?.reader.consumed ?? 0;
  reply.then(
    ({ value }) =>
      process.send({
        rid,
        ok: true,
        value: shared ? shared.writer.place(value, consumed ?? 0) : value,
        consumed: read(),
      }),
    (err) => process.send({ rid, ok: false, message: err?.message ?? String(err), consumed: read() }),
  );
});
// The server went away (it exited, or crashed itself): nothing is left to serve.
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
