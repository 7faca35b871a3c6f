/**
 * The NDI runtime (libndi) through koffi, shared by the NDI output and the NDI input: where it is found, the
 * structs and the few functions used. Layouts
 * follow the NDI SDK's documented C structs (Processing.NDI.structs.h); nothing of NDI's code is included here.
 * The runtime itself is proprietary (NDI SDK licence) and comes from the optional @grandi/<platform> package,
 * from NDI_RUNTIME_DIR_V6 / NDI_RUNTIME_DIR, or from an installed NDI runtime.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import koffi from 'koffi';

/** FourCC codes are four ASCII bytes read as a little-endian 32-bit number. */
export const fourcc = (s: string) =>
  s.charCodeAt(0) | (s.charCodeAt(1) << 8) | (s.charCodeAt(2) << 16) | (s.charCodeAt(3) << 24);
export const FOURCC_BGRA = fourcc('BGRA');
export const FOURCC_BGRX = fourcc('BGRX');
export const FOURCC_UYVY = fourcc('UYVY');
export const FRAME_FORMAT_PROGRESSIVE = 1;
/** NDIlib_send_timecode_synthesize: the SDK fills in the timecode from its clock. */
export const TIMECODE_SYNTHESIZE = 0x7fffffffffffffffn;
/** Receive BGRX, or BGRA when the source has alpha: NDI converts, every frame is 4 bytes a pixel. */
export const RECV_COLOR_BGRX_BGRA = 0;
/** Receive UYVY, or BGRA when the source has alpha: half the bytes, converted here. */
export const RECV_COLOR_UYVY_BGRA = 1;
export const RECV_BANDWIDTH_HIGHEST = 100;
export const FRAME_TYPE_VIDEO = 1;
export const FRAME_TYPE_ERROR = 4;

export const SendCreate = koffi.struct('NDIlib_send_create_t', {
  p_ndi_name: 'const char *',
  p_groups: 'const char *',
  clock_video: 'bool',
  clock_audio: 'bool',
});
export const VideoFrame = koffi.struct('NDIlib_video_frame_v2_t', {
  xres: 'int',
  yres: 'int',
  FourCC: 'int',
  frame_rate_N: 'int',
  frame_rate_D: 'int',
  picture_aspect_ratio: 'float',
  frame_format_type: 'int',
  timecode: 'int64_t',
  p_data: 'void *',
  line_stride_in_bytes: 'int',
  p_metadata: 'const char *',
  timestamp: 'int64_t',
});
export const FindCreate = koffi.struct('NDIlib_find_create_t', {
  show_local_sources: 'bool',
  p_groups: 'const char *',
  p_extra_ips: 'const char *',
});
export const Source = koffi.struct('NDIlib_source_t', { p_ndi_name: 'const char *', p_url_address: 'const char *' });
export const RecvCreate = koffi.struct('NDIlib_recv_create_v3_t', {
  source_to_connect_to: Source,
  color_format: 'int',
  bandwidth: 'int',
  allow_video_fields: 'bool',
  p_ndi_recv_name: 'const char *',
});

export interface VideoFrameFields {
  xres: number;
  yres: number;
  FourCC: number;
  frame_rate_N: number;
  frame_rate_D: number;
  picture_aspect_ratio: number;
  frame_format_type: number;
  timecode: bigint | number;
  p_data: unknown;
  line_stride_in_bytes: number;
  p_metadata: string | null;
  timestamp: bigint | number;
}

type Handle = unknown;

/** The bound functions; sendVideo runs on a koffi worker thread so the compression never blocks the loop. */
export interface NdiLib {
  path: string;
  version: string;
  /**
   * A sender. With `clockVideo`, libndi paces sendVideo to the frames' rate itself (a stand-alone sender); the
   * output leaves it off, as the engine's loop already paces it.
   */
  sendCreate(name: string, clockVideo?: boolean): Handle | null;
  sendDestroy(sender: Handle): void;
  sendVideo(sender: Handle, frame: VideoFrameFields): Promise<void>;
  sendConnections(sender: Handle): number;
  findCreate(extraIps: string): Handle | null;
  findDestroy(finder: Handle): void;
  findSources(finder: Handle): { name: string; url: string | null }[];
  recvCreate(source: { name: string; url: string | null }, name: string, colorFormat?: number): Handle | null;
  recvDestroy(receiver: Handle): void;
  /** Senders this receiver is connected to now (0 or 1). */
  recvConnections(receiver: Handle): number;
  /** Waits up to `timeoutMs` on a worker thread; a video frame's pixels are copied and the frame freed. */
  recvVideo(
    receiver: Handle,
    timeoutMs: number,
  ): Promise<{ width: number; height: number; fourcc: number; stride: number; data: Uint8Array } | undefined>;
}

let cached: { lib: NdiLib } | { reason: string } | undefined;

/** Where libndi may be, best first. */
export function runtimeCandidates(env = process.env, platform = process.platform, arch = process.arch): string[] {
  const file =
    platform === 'win32' ? 'Processing.NDI.Lib.x64.dll' : platform === 'darwin' ? 'libndi.dylib' : 'libndi.so.6';
  const out: string[] = [];
  for (const key of ['NDI_RUNTIME_DIR_V6', 'NDI_RUNTIME_DIR_V5', 'NDI_RUNTIME_DIR']) {
    if (env[key]) out.push(join(env[key]!, file));
  }
  try {
    const require = createRequire(import.meta.url);
    out.push(join(dirname(require.resolve(`@grandi/${platform}-${arch}`)), file));
  } catch {
    // The optional package is not installed for this platform; the system runtime may still be there.
  }
  if (platform === 'darwin')
    out.push('/usr/local/lib/libndi.dylib', '/Library/NDI SDK for Apple/lib/macOS/libndi_advanced.dylib');
  if (platform === 'linux')
    out.push('/usr/lib/libndi.so.6', '/usr/local/lib/libndi.so.6', '/usr/lib/x86_64-linux-gnu/libndi.so.6');
  return out;
}

/** Loads libndi once; a reason instead when no runtime is found or it does not start. */
export function loadNdi(): { lib: NdiLib } | { reason: string } {
  if (cached) return cached;
  const candidates = runtimeCandidates();
  const path = candidates.find((p) => existsSync(p));
  if (!path) {
    return (cached = {
      reason:
        `no NDI runtime found for ${process.platform}-${process.arch} (looked in ${candidates.join(', ')}); ` +
        'install the NDI Runtime from https://ndi.video/tools/ or set NDI_RUNTIME_DIR to its folder',
    });
  }
  try {
    cached = { lib: bind(path) };
  } catch (err) {
    cached = { reason: `the NDI runtime at ${path} could not be used: ${(err as Error).message}` };
  }
  return cached;
}

function bind(path: string): NdiLib {
  const lib = koffi.load(path);
  const initialize = lib.func('bool NDIlib_initialize(void)');
  const version = lib.func('const char *NDIlib_version(void)');
  if (!initialize()) throw new Error('NDIlib_initialize failed (this CPU lacks SSE4.2?)');
  const sendCreate = lib.func('void *NDIlib_send_create(const NDIlib_send_create_t *p_create_settings)');
  const sendDestroy = lib.func('void NDIlib_send_destroy(void *p_instance)');
  const sendVideo = lib.func(
    'void NDIlib_send_send_video_v2(void *p_instance, const NDIlib_video_frame_v2_t *p_video_data)',
  );
  const connections = lib.func('int NDIlib_send_get_no_connections(void *p_instance, uint32_t timeout_in_ms)');
  const findCreate = lib.func('void *NDIlib_find_create_v2(const NDIlib_find_create_t *p_create_settings)');
  const findDestroy = lib.func('void NDIlib_find_destroy(void *p_instance)');
  const findSources = lib.func(
    'const NDIlib_source_t *NDIlib_find_get_current_sources(void *p_instance, _Out_ uint32_t *p_no_sources)',
  );
  const recvCreate = lib.func('void *NDIlib_recv_create_v3(const NDIlib_recv_create_v3_t *p_create_settings)');
  const recvDestroy = lib.func('void NDIlib_recv_destroy(void *p_instance)');
  const recvConnections = lib.func('int NDIlib_recv_get_no_connections(void *p_instance)');
  const capture = lib.func(
    'int NDIlib_recv_capture_v2(void *p_instance, _Out_ NDIlib_video_frame_v2_t *p_video_data, void *p_audio_data, void *p_metadata, uint32_t timeout_in_ms)',
  );
  const freeVideo = lib.func(
    'void NDIlib_recv_free_video_v2(void *p_instance, const NDIlib_video_frame_v2_t *p_video_data)',
  );

  const async = (fn: ReturnType<typeof lib.func>, ...args: unknown[]) =>
    new Promise<unknown>((resolve, reject) =>
      fn.async(...args, (err: unknown, result: unknown) => (err ? reject(err as Error) : resolve(result))),
    );

  return {
    path,
    version: version() as string,
    sendCreate: (name, clockVideo = false) =>
      sendCreate({ p_ndi_name: name, p_groups: null, clock_video: clockVideo, clock_audio: false }),
    sendDestroy: (sender) => sendDestroy(sender),
    sendVideo: async (sender, frame) => {
      await async(sendVideo, sender, frame);
    },
    sendConnections: (sender) => connections(sender, 0) as number,
    findCreate: (extraIps) => findCreate({ show_local_sources: true, p_groups: null, p_extra_ips: extraIps }),
    findDestroy: (finder) => findDestroy(finder),
    findSources: (finder) => {
      const count = [0];
      const ptr = findSources(finder, count);
      if (!ptr || count[0] === 0) return [];
      const list = koffi.decode(ptr, Source, count[0]!) as { p_ndi_name: string; p_url_address: string | null }[];
      return list.map((s) => ({ name: s.p_ndi_name, url: s.p_url_address }));
    },
    recvCreate: (source, name, colorFormat = RECV_COLOR_BGRX_BGRA) =>
      recvCreate({
        source_to_connect_to: { p_ndi_name: source.name, p_url_address: source.url },
        color_format: colorFormat,
        bandwidth: RECV_BANDWIDTH_HIGHEST,
        allow_video_fields: false,
        p_ndi_recv_name: name,
      }),
    recvDestroy: (receiver) => recvDestroy(receiver),
    recvConnections: (receiver) => recvConnections(receiver) as number,
    recvVideo: async (receiver, timeoutMs) => {
      const frame = {} as VideoFrameFields;
      const type = (await async(capture, receiver, frame, null, null, timeoutMs)) as number;
      if (type !== FRAME_TYPE_VIDEO) return undefined;
      try {
        const bytes = frame.line_stride_in_bytes * frame.yres;
        const data = new Uint8Array(koffi.view(frame.p_data, bytes).slice(0));
        return {
          width: frame.xres,
          height: frame.yres,
          fourcc: frame.FourCC,
          stride: frame.line_stride_in_bytes,
          data,
        };
      } finally {
        freeVideo(receiver, frame);
      }
    },
  };
}
