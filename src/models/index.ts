/** The models module as the composition root and the CLI use it. */
export { ModelManager } from './manager';
export { modelRoutes } from './routes';
export { LoraInstaller } from './lora-install';
export { loraRoutes } from './lora-routes';
export { DOWNLOAD_HELP, runDownloadCommand } from './download-command';
export { DownloadError } from './hub';
export { artifactPath } from './manifest';
export type { ModelManagerOptions } from './manager';
export type { Artifact, ModelManifest } from './manifest';
export type { FileStatus, MissingModels, ModelProgress, ModelState, ModelStatus, ModelsStatus } from './status';
export type { DownloadCommandOptions } from './download-command';
