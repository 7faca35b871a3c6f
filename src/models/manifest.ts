/**
 * What a pipeline needs on disk: files of Hugging Face repositories, pinned to a revision. The model manager
 * (download, status) and the pipelines that open the files share these declarations.
 */
export interface Artifact {
  /** Hugging Face repository, `owner/name`. */
  repo: string;
  /** Git revision: a commit sha (preferred: reproducible) or a branch name such as `main`. */
  revision: string;
  /** Path of the file inside the repository, `/`-separated. */
  file: string;
  /** Expected SHA-256 of the file, lower-case hex, when known; otherwise the Hub's X-Linked-Etag is checked. */
  sha256?: string;
  /** Exact size in bytes, when known: checked after the download, shown before it, used for the disk-space check. */
  size?: number;
  /**
   * Rounded size (as the Hub's file listing shows it) when the exact one is not known: shown before a download
   * ("≈2.6 GB") and used for the disk-space check, never checked against the file.
   */
  approxBytes?: number;
  /** What the file is, in words ("UNet", "TAESD decoder"), for progress and errors. */
  role: string;
}

/**
 * One export of a model among several (`sd-turbo@webgpu`, `sd-turbo@olive-cuda`): the same weights written for
 * different execution providers. Which one a device runs best is decided from `contribOps` by the op-set tables
 * (src/models/variants.ts), before any file is downloaded.
 */
export interface VariantInfo {
  /** The model id a user types (`sd-turbo`); the manifest's own id is `<of>@<name>`. */
  of: string;
  /** `webgpu`, `olive-cuda`: what `download <model> --variant <name>` takes. */
  name: string;
  /** The providers the export was made for; among variants that run equally whole, these win. */
  tunedFor: string[];
  /**
   * The non-ai.onnx operators its graphs hold, as `domain.Op` (`com.microsoft.GroupNorm`): what decides where it
   * runs whole. Plain ONNX operators are taken to run everywhere.
   */
  contribOps: string[];
  /** False when the file list (names, sizes) was not seen on the Hub: the download may fail. */
  verified: boolean;
  /** Where the file list and the op set were read, or that they were not. */
  checked: string;
}

/** A named set of artifacts; a pipeline may offer several (e.g. `sd-turbo`, `sdxl-turbo`). */
export interface ModelManifest {
  /** Id used on the command line and in the API: `daydream-scope download <id>`. */
  id: string;
  /** Pipeline that uses these files. */
  pipeline: string;
  description: string;
  artifacts: Artifact[];
  /** Set when this is one export of a model that has several. */
  variant?: VariantInfo;
}

const REPO = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,95}\/[A-Za-z0-9][A-Za-z0-9_.-]{0,95}$/;
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,199}$/;

/**
 * Where an artifact lives on disk: `<root>/<owner>/<name>/<file>`. Names that could leave the root (`..`,
 * absolute paths, backslashes, empty segments) are refused with an error, whoever wrote the manifest.
 */
export function artifactPath(root: string, artifact: Pick<Artifact, 'repo' | 'file'>): string {
  if (!REPO.test(artifact.repo) || artifact.repo.split('/').some((s) => s === '.' || s === '..')) {
    throw new Error(`invalid repository name "${artifact.repo}"`);
  }
  const segments = artifact.file.split('/');
  if (segments.some((s) => !SEGMENT.test(s) || s === '..' || s === '.')) {
    throw new Error(`invalid file path "${artifact.file}" in ${artifact.repo}`);
  }
  return [root, ...artifact.repo.split('/'), ...segments].join('/');
}
