/**
 * How an export names and types its tensors, for tiny stand-ins written "both ways": the diffusers/optimum names
 * the pipeline uses, the WebGPU-ready export's (the names and types onnxruntime's js/sd-turbo example feeds, with
 * its free-dimension names), and onnxruntime's stable_diffusion demo names (`text_embeddings`, `latent`, `images`).
 */
export interface TinyNaming {
  /** Pipeline name -> the export's name, per tensor (absent: the same). */
  tensors: Readonly<Record<string, string>>;
  timestep: 'float' | 'int64' | 'int32';
  inputIds: 'int32' | 'int64';
  /** The tiny graphs' dimension names -> the export's. */
  dims: Readonly<Record<string, string>>;
}

export const tinyNamings = {
  /** What the tiny graphs were always written with: float timestep, int32 ids. */
  diffusers: { tensors: {}, timestep: 'float', inputIds: 'int32', dims: {} },
  /** schmuell/sd-turbo-ort-web as onnxruntime's example feeds it. */
  webgpu: {
    tensors: {},
    timestep: 'int64',
    inputIds: 'int32',
    dims: {
      batch: 'batch_size',
      unet_channels: 'num_channels',
      image_channels: 'num_channels',
      height: 'height',
      width: 'width',
      tokens: 'sequence_length',
      latent_channels: 'num_channels_latent',
      latent_height: 'height_latent',
      latent_width: 'width_latent',
    },
  },
  /** onnxruntime's stable_diffusion demo (diffusion_models.py) names, with int64 ids. */
  ortDemo: {
    tensors: {
      last_hidden_state: 'text_embeddings',
      out_sample: 'latent',
      'vae_decoder.latent_sample': 'latent',
      'vae_decoder.sample': 'images',
      'vae_encoder.sample': 'images',
      'vae_encoder.latent_sample': 'latent',
    },
    timestep: 'float',
    inputIds: 'int64',
    dims: { batch: 'B', height: 'H', width: 'W' },
  },
} satisfies Record<string, TinyNaming>;

/** The export's name for a tensor of `graph`: a graph-qualified entry wins over a plain one. */
export function tensorName(naming: TinyNaming, graph: string, name: string): string {
  return naming.tensors[`${graph}.${name}`] ?? naming.tensors[name] ?? name;
}

// Dimensions the tiny graphs declare as numbers unless an export names them.
const fixed: Record<string, number> = { unet_channels: 4, latent_channels: 4, image_channels: 3, tokens: 77 };

/** The export's dims for the tiny graphs' dims. */
export function dimNames(naming: TinyNaming, dims: (number | string)[]): (number | string)[] {
  return dims.map((d) => (typeof d === 'string' ? (naming.dims[d] ?? fixed[d] ?? d) : d));
}
