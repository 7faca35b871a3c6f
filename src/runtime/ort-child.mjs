// Runs onnxruntime sessions in a child process: a native abort, an out-of-memory kill or a hang in onnxruntime
// ends or stalls this process only, never the server. The server is the same TypeScript as the worker thread's;
// tsx (a dependency, as for `npm start`) compiles it here. Messages use the advanced (structured clone)
// serialization, so typed arrays cross as they are.
import { register } from 'tsx/esm/api';

register();
// The onnxruntime-node DAYDREAM_SCOPE_ORT_CORE names, resolved as the server resolved it (ort-core.ts).
const [{ loadOrt }, { SessionServer }, { applyChildFault }] = await Promise.all([
  import('./ort-core.ts'),
  import('./session-server.ts'),
  import('./child-faults.ts'),
]);
const { ort } = loadOrt();
const shared = await sharedRings();
// How far the server has read the replies' ring, as its latest request said: slots before that are free again.
let serverRead = 0;
// Run outputs go straight into the replies' ring (onnxruntime writes them there), unless turned off for the bench.
const direct = shared && !process.argv.includes('--copy-outputs');
const server = new SessionServer(
  ort,
  direct
    ? (size) => {
        const slot = shared.writer.reserve(size, serverRead);
        return slot && { bytes: slot.bytes, wire: (t) => shared.writer.sent(slot, t, true) };
      }
    : undefined,
);
const faults = process.env.DAYDREAM_SCOPE_FAULTS === '1';

const answer = (msg) => {
  if (msg.op !== 'fault') return server.handle(msg);
  // The worst a dying child can do to the shared memory: every byte of the ring it writes, garbage.
  if (msg.fault.kind === 'scribble' && faults) shared?.replies.fill(0xee);
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
    const replies = region.bytes.subarray(0, half);
    return { replies, writer: new SharedWriter(replies), reader: new SharedReader(requests) };
  } catch (err) {
    console.error(`no shared memory for frames, the pipe carries them: ${err?.message ?? err}`);
    return undefined;
  }
}

process.on('message', ({ rid, msg, consumed }) => {
  serverRead = Math.max(serverRead, consumed ?? 0);
  let reply;
  try {
    reply = answer(shared ? shared.reader.take(msg) : msg);
  } catch (err) {
    reply = Promise.reject(err);
  }
  // Each reply says how far this process has read the requests' ring, so the server may write over it again.
  const read = () => shared?.reader.consumed ?? 0;
  // Placed as soon as the answer settles, before the next request's answer starts (that one is chained after this
  // answer in SessionServer, a microtask later): so slots are taken in the order their replies go out, and the
  // server's read count (the largest end it has read) never passes a slot it has not read.
  reply.then(
    ({ value }) =>
      process.send({
        rid,
        ok: true,
        value: shared ? shared.writer.place(value, serverRead) : value,
        consumed: read(),
      }),
    (err) => process.send({ rid, ok: false, message: err?.message ?? String(err), consumed: read() }),
  );
});
// The server went away (it exited, or crashed itself): nothing is left to serve.
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
