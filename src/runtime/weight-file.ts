import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { basename } from 'node:path';

/** Where one tensor's bytes sit in a weight file, as ONNX external data names them. */
export interface ExternalLocation {
  location: string;
  offset: number;
  length: number;
}

/**
 * The external-data file beside a large ONNX model (protobuf cannot hold 2 GB): tensors are appended one by one,
 * so a model of gigabytes is written without holding its weights in memory. Zero tensors are left as holes, which
 * the file system stores for nothing. Offsets are aligned to 4096 bytes so onnxruntime can map them.
 */
export class WeightFile {
  private readonly fd: number;
  private size = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  /** Appends `data`, or `zeros` bytes of zeros, and says where they went. */
  append(data: Uint8Array | { zeros: number }): ExternalLocation {
    const offset = Math.ceil(this.size / 4096) * 4096;
    if (data instanceof Uint8Array) {
      let written = 0;
      while (written < data.length)
        written += writeSync(this.fd, data, written, data.length - written, offset + written);
      this.size = offset + data.length;
      return { location: basename(this.path), offset, length: data.length };
    }
    this.size = offset + data.zeros;
    return { location: basename(this.path), offset, length: data.zeros };
  }

  /** Bytes written so far, holes included. */
  get bytes(): number {
    return this.size;
  }

  close(): void {
    ftruncateSync(this.fd, this.size);
    closeSync(this.fd);
  }
}
