/** The part of osc.js's codec (`osc/src/osc.js`, no transports) that control/osc uses. It ships no types. */
declare module 'osc/src/osc.js' {
  export interface OffsetState {
    idx: number;
  }
  export interface ReadOptions {
    /** true: every argument comes as `{ type, value }`. */
    metadata: boolean;
    unpackSingleArgs: boolean;
  }
  export interface TypedArg {
    type: string;
    value?: unknown;
  }
  export interface RawMessage {
    address: string;
    args: unknown;
  }
  export interface TimeTag {
    raw: [number, number];
    native: number;
  }
  export interface Osc {
    readMessage(data: Uint8Array, options: ReadOptions, offsetState: OffsetState): RawMessage;
    readString(dv: DataView, offsetState: OffsetState): string;
    readTimeTag(dv: DataView, offsetState: OffsetState): TimeTag;
    writePacket(
      packet: { address: string; args: TypedArg[] } | { timeTag: unknown; packets: unknown[] },
      options?: { metadata: boolean },
    ): Uint8Array;
    timeTag(secondsFromNow: number, now?: number): { raw: [number, number] };
  }
  const osc: Osc;
  export default osc;
}
