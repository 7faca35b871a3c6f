import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The package.json field by which an installed package declares itself a daydream-scope plugin. */
export const PLUGIN_FIELD = 'daydream-scope';

const fieldSchema = z.object({ pipelines: z.string().min(1) });
const packageSchema = z.record(z.string(), z.unknown());
type PackageJson = z.infer<typeof packageSchema>;

/** A plugin found on disk: its entry module, or why none could be found. */
export type FoundPlugin = { source: string; entry: string } | { source: string; error: string };

const INDEX_FILES = ['index.ts', 'index.mts', 'index.js', 'index.mjs'];

/**
 * Where installed plugin packages are looked for: the node_modules folder of this checkout or package, the folder
 * it was installed into (its siblings, as after `npm install -g`), and the current directory's node_modules.
 */
export function defaultPluginSearch(cwd = process.cwd()): string[] {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const dirs = [join(root, 'node_modules')];
  if (basename(dirname(root)) === 'node_modules') dirs.push(dirname(root));
  dirs.push(join(cwd, 'node_modules'));
  return [...new Set(dirs.map((d) => resolve(d)))];
}

/** `--plugin` paths (files or folders, relative to `cwd`), then the plugin packages in the `search` folders. */
export async function findPlugins(paths: string[], search: string[], cwd = process.cwd()): Promise<FoundPlugin[]> {
  const found: FoundPlugin[] = [];
  for (const path of paths) found.push(await fromPath(path, resolve(cwd, path)));
  // The same folder reached twice (a symlink, the checkout as the current directory) is read once.
  const folders = await Promise.all(search.map((dir) => realpath(dir).catch(() => undefined)));
  for (const dir of new Set(folders)) {
    if (dir === undefined) continue;
    // A few hundred packages to look at on every start: read side by side, kept in folder order.
    const plugins = await Promise.all((await packageDirs(dir)).map(fromInstalledPackage));
    found.push(...plugins.filter((p) => p !== undefined));
  }
  return found;
}

/** A `--plugin` argument: a module file, or a folder with a declaring package.json or an index file. */
async function fromPath(source: string, path: string): Promise<FoundPlugin> {
  const kind = await stat(path).then(
    (s) => (s.isDirectory() ? 'folder' : 'file'),
    () => undefined,
  );
  if (!kind) return { source, error: `no such file or folder: ${path}` };
  if (kind === 'file') return { source, entry: path };
  const pkg = await readPackage(path);
  if (pkg && PLUGIN_FIELD in pkg) return entryOf(source, path, pkg[PLUGIN_FIELD]);
  for (const name of INDEX_FILES) {
    if (await isFile(join(path, name))) return { source, entry: join(path, name) };
  }
  return {
    source,
    error: `${path} has no "${PLUGIN_FIELD}": { "pipelines": "./entry.js" } in a package.json and no index.js or index.ts`,
  };
}

/** An installed package that declares the field; others (and unreadable package.json files) are not plugins. */
async function fromInstalledPackage(dir: string): Promise<FoundPlugin | undefined> {
  const pkg = await readPackage(dir);
  if (!pkg || !(PLUGIN_FIELD in pkg)) return undefined;
  return entryOf(typeof pkg.name === 'string' ? pkg.name : basename(dir), dir, pkg[PLUGIN_FIELD]);
}

async function entryOf(source: string, dir: string, field: unknown): Promise<FoundPlugin> {
  const parsed = fieldSchema.safeParse(field);
  if (!parsed.success) {
    return { source, error: `its package.json field "${PLUGIN_FIELD}" must be { "pipelines": "./entry.js" }` };
  }
  const entry = resolve(dir, parsed.data.pipelines);
  if (!(await isFile(entry))) return { source, error: `its entry ${entry} does not exist` };
  return { source, entry };
}

async function readPackage(dir: string): Promise<PackageJson | undefined> {
  try {
    const parsed = packageSchema.safeParse(JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Package folders in a node_modules folder, scoped ones (`@scope/name`) included. */
async function packageDirs(nodeModules: string): Promise<string[]> {
  const names = await readdir(nodeModules).catch(() => [] as string[]);
  const dirs: string[] = [];
  for (const name of names.sort()) {
    if (name.startsWith('.')) continue;
    if (!name.startsWith('@')) {
      dirs.push(join(nodeModules, name));
      continue;
    }
    const scoped = await readdir(join(nodeModules, name)).catch(() => [] as string[]);
    dirs.push(...scoped.sort().map((n) => join(nodeModules, name, n)));
  }
  return dirs;
}

const isFile = (path: string) =>
  stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
