/**
 * The three npm packages a CUDA core is assembled from, pinned by version and by npm's integrity (sha512 of the
 * tarball, as the registry's `dist.integrity` gives it): onnxruntime-node and its onnxruntime-common, and the
 * provider libraries of the same onnxruntime version. onnxruntime-node's own install script fetches its CUDA
 * providers from elsewhere; these come from the npm registry alone.
 */
import { join } from 'node:path';
import { modelsDir } from '../files';

/** One tarball: `npm pack <name>@<version>` must give a file whose sha512 is `integrity`. */
export interface TarballPin {
  name: string;
  version: string;
  /** `sha512-<base64>`, npm's integrity field. */
  integrity: string;
}

/** What a core is made of, and what its versions must be. */
export interface CorePins {
  /** onnxruntime-node: its JavaScript, its binding and libonnxruntime.so.1 for Linux x64. */
  node: TarballPin;
  /** onnxruntime-common, which onnxruntime-node requires at exactly its own version. */
  common: TarballPin;
  /** The provider libraries (a Unity package that carries onnxruntime's Linux x64 GPU build). */
  providers: TarballPin & {
    /** Folder of the provider libraries inside the tarball. */
    libDir: string;
  };
  /** The CUDA major version the CUDA provider was built against, for messages and the manifest. */
  cuda: string;
}

/**
 * onnxruntime 1.29.0: onnxruntime-node 1.29.0 and the Linux x64 GPU providers of com.github.asus4.onnxruntime
 * 0.4.9 (built for onnxruntime 1.29.0 and CUDA 13; checked on 2026-12-07: the CUDA provider needs
 * libcublasLt.so.13, libcublas.so.13, libcurand.so.10, libcudart.so.13 and libcuda.so.1, and holds the string 1.29.0).
 */
export const CUDA_CORE: CorePins = {
  node: {
    name: 'onnxruntime-node',
    version: '1.29.0',
    integrity: 'sha512-WjiVVB72riILz8HbYvxvmjKyE/WmkYoSfKY++axo5jAR609HQg8MwiG/HhShpTcJfmmAdzxxmB+MMST3A+SiPA==',
  },
  common: {
    name: 'onnxruntime-common',
    version: '1.29.0',
    integrity: 'sha512-/F63/e2VJoaVXGGNu6S5QH7jivBThGO95OzAVXXQ8hTta/b1QxI8udHa6cI3+3mAb5WWIIaMMwfZw01oivjJ1g==',
  },
  providers: {
    name: 'com.github.asus4.onnxruntime.linux-x64-gpu',
    version: '0.4.9',
    integrity: 'sha512-FopIhNE/Ng+v2X65wVc9clPCBCvhvA53Hxo2U0Kf5fGdVsC7iCA+mZ0KLWggcQAj7TIZ6pNidR4AC10g74Xo6w==',
    libDir: 'Plugins/Linux/x64',
  },
  cuda: '13',
};

/** The tarball's file name as `npm pack` writes it. */
export const tarballName = (pin: TarballPin) => `${pin.name.replace(/^@/, '').replace('/', '-')}-${pin.version}.tgz`;

/** The core's folder name: the onnxruntime version and what it adds. */
export const coreName = (pins: CorePins) => `onnxruntime-${pins.node.version}-cuda${pins.cuda}`;

/** Where `daydream-scope cuda-core` puts the core unless told: `<models dir>/ort-core/<name>`. */
export const defaultCoreParent = (env: NodeJS.ProcessEnv = process.env) => join(modelsDir(env), 'ort-core');
