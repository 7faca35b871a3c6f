// Runs onnxruntime sessions off the main thread. onnxruntime-node's session.run is synchronous, so on the main
// thread every frame would stall HTTP, WebSocket and output traffic for the length of the render.
import { parentPort } from 'node:worker_threads';
import ort from 'onnxruntime-node';

const sessions = new Map();

function toTensor(t) {
  return new ort.Tensor(t.type, t.data, t.dims);
}

async function handle(msg) {
  switch (msg.op) {
    case 'create': {
      const session = await ort.InferenceSession.create(msg.model, msg.options);
      sessions.set(msg.sid, session);
      return { inputNames: session.inputNames, outputNames: session.outputNames };
    }
    case 'run': {
      const session = sessions.get(msg.sid);
      if (!session) throw new Error('session was released');
      const feeds = {};
      for (const [name, t] of Object.entries(msg.feeds)) feeds[name] = toTensor(t);
      const out = await session.run(feeds);
      const result = {};
      const transfer = [];
      for (const [name, t] of Object.entries(out)) {
        result[name] = { type: t.type, dims: t.dims, data: t.data };
        if (ArrayBuffer.isView(t.data)) transfer.push(t.data.buffer);
      }
      return { result, transfer };
    }
    case 'release': {
      await sessions.get(msg.sid)?.release();
      sessions.delete(msg.sid);
      return {};
    }
    default:
      throw new Error(`unknown op ${msg.op}`);
  }
}

parentPort.on('message', (msg) => {
  handle(msg).then(
    (value) => {
      const transfer = value.transfer ?? [];
      delete value.transfer;
      parentPort.postMessage({ id: msg.id, ok: true, value }, transfer);
    },
    (err) => parentPort.postMessage({ id: msg.id, ok: false, message: err?.message ?? String(err) }),
  );
});
