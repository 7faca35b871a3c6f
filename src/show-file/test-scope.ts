/** A whole server for the show-file tests: real HTTP on 127.0.0.1, a config and models folder of its own. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startScope } from '../main';
import { solidPipeline } from '../engine/test-support';
import { FakeMidiBackend } from '../../control/midi/test-backend';
import type { Scope, ScopeOptions } from '../main';
import type { ModelManifest } from '../models/manifest';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests read answers field by field
type Body = any;

export interface ShowScope {
  scope: Scope;
  dir: string;
  modelsDir: string;
  logs: string[];
  /** A JSON request to /api/v1 over real HTTP; answers the status and the parsed body. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: Body }>;
  /** A raw text body to /api/v1/show (a damaged file is not JSON). */
  putShow(text: string): Promise<{ status: number; body: Body }>;
  stop(): Promise<void>;
}

/** A model of the `solid` pipeline, never downloaded in a test. */
export const tinyModel: ModelManifest = {
  id: 'tiny-model',
  pipeline: 'solid',
  description: 'a model for the show-file tests',
  artifacts: [
    { repo: 'someone/tiny', revision: 'main', file: 'tiny.onnx', sha256: 'ab'.repeat(32), size: 4, role: 'weights' },
  ],
};

export async function startShowScope(options: Partial<ScopeOptions> = {}): Promise<ShowScope> {
  const dir = await mkdtemp(join(tmpdir(), 'scope-show-'));
  const modelsDir = join(dir, 'models');
  const logs: string[] = [];
  let scope: Scope;
  try {
    scope = await startScope({
      port: 0,
      host: '127.0.0.1',
      pipelines: [solidPipeline(), solidPipeline('other')],
      pipeline: 'solid',
      // The smallest size the output parameters take, so the values exported are the values a load keeps.
      width: 64,
      height: 64,
      waitForLoad: true,
      oscPort: null,
      oscQueryPort: null,
      configDir: dir,
      modelsDir,
      manifests: [],
      plugins: [],
      pluginSearch: [],
      // Pipelines in this process, as the test rig runs them: no child process per load.
      isolation: 'worker',
      midi: true,
      midiBackend: new FakeMidiBackend({ inputs: ['Pads'], outputs: ['Pads'] }),
      log: (m) => logs.push(m),
      ...options,
    });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const answer = async (res: Response) => {
    const text = await res.text();
    return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
  };
  const api = async (method: string, path: string, body?: unknown) =>
    answer(
      await fetch(`${scope.url}/api/v1${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
  return {
    scope,
    dir,
    modelsDir,
    logs,
    api,
    putShow: async (text) => answer(await fetch(`${scope.url}/api/v1/show`, { method: 'PUT', body: text })),
    stop: async () => {
      await scope.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
