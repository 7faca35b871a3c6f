/**
 * The paths of the routes the panel calls, in one table: the route modules declare their routes with them and the
 * panel (web/src) builds its URLs from them, so a renamed route cannot leave the panel behind. A test checks
 * that every path here is served by the real root (src/server/openapi.test.ts).
 */

/** Where the JSON API is mounted. */
export const API_PREFIX = '/api/v1';

/** Routes under /api/v1, as their modules declare them (`:name` is a path parameter). */
export const apiPaths = {
  pipelines: '/pipelines',
  parameters: '/parameters',
  tempo: '/tempo',
  tempoTap: '/tempo/tap',
  cues: '/cues',
  cueGo: '/cues/go',
  recording: '/recording',
  recordingStart: '/recording/start',
  recordingStop: '/recording/stop',
  midi: '/midi',
  midiLearn: '/midi/learn',
  midiMapping: '/midi/mappings/:id',
  dmx: '/dmx',
  dmxLearn: '/dmx/learn',
  dmxMappings: '/dmx/mappings',
  dmxMapping: '/dmx/mappings/:id',
  timecode: '/timecode',
  outputs: '/outputs',
  output: '/outputs/:id',
  outputDelay: '/output-delay',
  input: '/input',
  inputDevices: '/input/devices',
  inputs: '/inputs',
  inputSource: '/inputs/:id',
  inputRestart: '/inputs/:id/restart',
  inputPreview: '/inputs/:id/preview.jpg',
  presets: '/presets',
  preset: '/presets/:name',
  presetRecall: '/presets/:name/recall',
  modelsStatus: '/models/status',
  modelsDownload: '/models/download',
  loras: '/loras',
  references: '/references',
  reference: '/references/:name',
  stream: '/stream.mjpeg',
  show: '/show',
  conditioningStream: '/conditioning/stream.mjpeg',
} as const;

/** Routes at the root: WebRTC out (WHEP) and in (WHIP), the output page. */
export const rootPaths = {
  whep: '/whep',
  /** WHEP of the conditioning picture (the pre-processor chain's depth, edges): an output of its own. */
  conditioningWhep: '/conditioning/whep',
  outputPage: '/output',
  whipSlot: '/whip/:slot',
} as const;

/** The names of the `:parameters` of a path. */
export type ParamsOf<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | ParamsOf<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

/** The parameters a path needs: none, or one string for each `:name`. */
type ParamArgs<P extends string> = [ParamsOf<P>] extends [never] ? [] : [Record<ParamsOf<P>, string>];

/** A path with its parameters filled in, each encoded as one segment. */
export function fillPath<P extends string>(path: P, ...args: ParamArgs<P>): string {
  const params = (args[0] ?? {}) as Record<string, string>;
  return path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
}

/** The URL path of an API route: `apiUrl(apiPaths.preset, { name })` is `/api/v1/presets/<name>`. */
export function apiUrl<P extends (typeof apiPaths)[keyof typeof apiPaths]>(path: P, ...args: ParamArgs<P>): string {
  return API_PREFIX + fillPath(path, ...args);
}
