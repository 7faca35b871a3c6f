/** Pixel layouts a pipeline may deliver ready-made beside the RGBA (converted on the GPU, say). */
export type DeviceFormat = 'bgra' | 'uyvy' | 'i420';

/** One rendered image: tightly packed RGBA, 8 bits per channel, rows top to bottom. */
export interface Image {
  data: Uint8Array;
  width: number;
  height: number;
  /** The same pixels in other layouts, byte for byte what outputs/convert.ts would make from `data`. */
  formats?: Partial<Record<DeviceFormat, Uint8Array>>;
}

/** A frame as it leaves the engine: the image plus where it sits in the stream. */
export interface Frame extends Image {
  /** Monotonic frame number of the engine, counted from 0 since the server started. */
  seq: number;
  /** Clock time in milliseconds at which the frame was due. */
  timestamp: number;
  /** Id of the pipeline that rendered it. */
  pipelineId: string;
  /** True when the pipeline failed or overran and the last good image was sent again. */
  repeated: boolean;
}
