/**
 * Faults the sessions' child process brings on itself, for tests and the soak bench: only when the server started
 * it with fault injection on (DAYDREAM_SCOPE_FAULTS=1). Each is what a real failure of onnxruntime looks like
 * from outside: an abort (what getData() on a GPU buffer does), a hang that blocks the process, a leak.
 */
import type { ChildFault } from './session-protocol';

const MiB = 1024 * 1024;
/** Memory the leak fault keeps until the process ends. */
const leaked: Buffer[] = [];

/** Brings `fault` on this process; refuses when fault injection is off. */
export function applyChildFault(fault: ChildFault, allowed: boolean): void {
  if (!allowed) throw new Error('fault injection is off in this process (DAYDREAM_SCOPE_FAULTS=1 turns it on)');
  switch (fault.kind) {
    case 'crash':
    case 'scribble':
      // The scribbling itself is the child's (ort-child.mjs), which holds the shared memory.
      process.abort();
      break;
    case 'hang':
      // Blocks the whole thread, as a native call that never returns would: no message is read meanwhile.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, fault.ms);
      break;
    case 'leak':
      // Filled, so the pages are really resident and the process's RSS grows by this much.
      leaked.push(Buffer.alloc(Math.round(fault.megabytes * MiB), 1));
      break;
  }
}
