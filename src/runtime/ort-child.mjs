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
const faults = process.env.DAYDREAM_SCOPE_FAULTS === '1';

const answer = (msg) => {
  if (msg.op !== 'fault') return server.handle(msg);
  applyChildFault(msg.fault, faults);
  return Promise.resolve({ value: {} });
};

process.on('message', ({ rid, msg }) => {
  let reply;
  try {
    reply = answer(msg);
  } catch (err) {
    reply = Promise.reject(err);
  }
  reply.then(
    ({ value }) => process.send({ rid, ok: true, value }),
    (err) => process.send({ rid, ok: false, message: err?.message ?? String(err) }),
  );
});
// The server went away (it exited, or crashed itself): nothing is left to serve.
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
