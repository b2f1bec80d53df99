import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FunctionDefinition } from '../functions/definition';
import { cacheDir } from '../paths';

/** A function's code and layers as instances mount them: immutable folders in the content cache. */
export interface PackagedFunction {
  codeDir?: string;
  layersDir?: string;
  codeHash: string;
  layersHash: string;
}

const fileHashes = new Map<string, { size: number; mtimeMs: number; hash: string }>();

/** A content hash of a folder (relative paths, executable bits, bytes); unchanged files are not read again. */
export async function hashFolder(dir: string): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (current: string): Promise<void> => {
    const entries = (await fs.promises.readdir(current, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      const full = path.join(current, entry.name);
      const relative = path.relative(dir, full);
      if (entry.isDirectory()) {
        hash.update(`d:${relative}\0`);
        await walk(full);
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        const stat = await fs.promises.stat(full);
        if (stat.isDirectory()) {
          hash.update(`d:${relative}\0`);
          await walk(full);
          continue;
        }
        let known = fileHashes.get(full);
        if (!known || known.size !== stat.size || known.mtimeMs !== stat.mtimeMs) {
          known = { size: stat.size, mtimeMs: stat.mtimeMs, hash: createHash('sha256').update(await fs.promises.readFile(full)).digest('hex') };
          fileHashes.set(full, known);
        }
        hash.update(`f:${relative}:${stat.mode & 0o111 ? 'x' : '-'}:${known.hash}\0`);
      }
    }
  };
  await walk(dir);
  return hash.digest('hex');
}

/** Copies folders (later ones over earlier ones) into cache/content/<hash> once; existing content is reused. */
async function intoCache(hash: string, sources: string[]): Promise<string> {
  const target = path.join(cacheDir(), 'content', hash.slice(0, 32));
  if (fs.existsSync(target)) return target;
  const temp = `${target}.tmp-${process.pid}-${Date.now()}`;
  await fs.promises.mkdir(temp, { recursive: true });
  for (const source of sources) await fs.promises.cp(source, temp, { recursive: true, force: true, dereference: true });
  await fs.promises.chmod(temp, 0o755);
  try {
    await fs.promises.rename(temp, target);
  } catch (error) {
    // Another session cached the same content first: theirs is identical.
    await fs.promises.rm(temp, { recursive: true, force: true });
    if (!fs.existsSync(target)) throw error;
  }
  return target;
}

/** A folder the workspace packager already put in the content cache: its name is its hash. */
function cachedContentHash(dir: string): string | undefined {
  return path.dirname(path.resolve(dir)) === path.join(cacheDir(), 'content') ? path.basename(dir) : undefined;
}

export async function packageFunction(definition: FunctionDefinition): Promise<PackagedFunction> {
  let codeDir: string | undefined;
  let codeHash = '';
  const cachedCode = definition.codeDir ? cachedContentHash(definition.codeDir) : undefined;
  const cachedLayers = definition.layers.length === 1 ? cachedContentHash(definition.layers[0].dir) : undefined;
  if (definition.codeDir && cachedCode) {
    // Packaged by src/core/workspace (built, filtered, layers merged): used as it is, never copied again.
    codeDir = definition.codeDir;
    codeHash = cachedCode;
  } else if (definition.codeDir) {
    codeHash = await hashFolder(definition.codeDir);
    codeDir = await intoCache(codeHash, [definition.codeDir]);
  }
  let layersDir: string | undefined;
  let layersHash = '';
  if (cachedLayers) {
    layersDir = definition.layers[0].dir;
    layersHash = cachedLayers;
  } else if (definition.layers.length > 0) {
    const layerHashes = await Promise.all(definition.layers.map((layer) => hashFolder(layer.dir)));
    layersHash = createHash('sha256').update(layerHashes.join(',')).digest('hex');
    layersDir = await intoCache(layersHash, definition.layers.map((layer) => layer.dir));
  }
  return { codeDir, layersDir, codeHash, layersHash };
}

/** Identifies one deploy of a function: code, layers and every setting that changes how it runs. */
export function deployFingerprint(definition: FunctionDefinition, packaged: PackagedFunction): string {
  const { source: _source, codeDir: _codeDir, layers: _layers, ...configuration } = definition;
  return createHash('sha256')
    .update(JSON.stringify({ code: packaged.codeHash, layers: packaged.layersHash, configuration }))
    .digest('hex')
    .slice(0, 16);
}
