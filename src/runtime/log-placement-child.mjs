// Opens one session with onnxruntime's verbose log on, so the parent can read where each node was placed; the
// parent stops this process as soon as the placement has been logged (before any weight reaches the device).
import ort from 'onnxruntime-node';

const [model, providers] = process.argv.slice(2);
await ort.InferenceSession.create(model, {
  executionProviders: providers.split(','),
  logSeverityLevel: 0,
  logVerbosityLevel: 0,
});
process.stderr.write('\nsession created\n');
