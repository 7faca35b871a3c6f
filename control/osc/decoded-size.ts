/**
 * The heap a decoded OSC packet holds, estimated from above. A held bundle is charged this (with its wire bytes,
 * which blobs keep alive) against the scheduler's byte cap: in wire bytes alone, 8 MiB of small messages decode to
 * about 95 MB. Measured with V8 (node 22, --expose-gc): a message costs about 100 bytes besides its address, each
 * argument about 46 (a `T` is 1 wire byte and 46 decoded), 66 when it is a float, a string one or two bytes a character; the figures below
 * round those up.
 */
import { isBundle } from './codec';
import type { OscArg, OscPacket } from './codec';

const BUNDLE = 64;
const ELEMENT = 16;
const MESSAGE = 128;
const ARGS = 16;
const ARG = 56;
const VIEW = 128;
const HEAP_NUMBER = 16;

/** Bytes of heap that `packet`, decoded, holds at most (not counting the datagram its blobs point into). */
export function decodedSize(packet: OscPacket): number {
  if (isBundle(packet)) {
    let n = BUNDLE;
    for (const p of packet.packets) n += ELEMENT + decodedSize(p);
    return n;
  }
  return MESSAGE + 2 * packet.address.length + argsSize(packet.args);
}

function argsSize(args: OscArg[]): number {
  let n = ARGS;
  for (const a of args) {
    n += ARG;
    if (typeof a.value === 'string') n += 2 * a.value.length;
    // A number outside V8's small integers is a heap number of its own.
    else if (typeof a.value === 'number' && !(Number.isInteger(a.value) && Math.abs(a.value) < 2 ** 30))
      n += HEAP_NUMBER;
    else if (Array.isArray(a.value)) n += argsSize(a.value as OscArg[]);
    else if (ArrayBuffer.isView(a.value)) n += VIEW;
  }
  return n;
}
