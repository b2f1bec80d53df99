import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { FunctionDefinition } from '../functions/definition';
import { storeFolder, storeMerged } from '../contentCache';
import { cacheDir } from '../paths';

/** A function's code and layers as instances mount them: immutable folders in the content cache. */
export interface PackagedFunction {
  codeDir?: string;
  layersDir?: string;
  codeHash: string;
  layersHash: string;
}

/** The hash of a folder that already is content-cache output (the workspace packager's), else undefined. */
function cachedContentHash(dir: string): string | undefined {
  return path.dirname(path.resolve(dir)) === path.join(cacheDir(), 'content') ? path.basename(dir) : undefined;
}

/**
 * Puts a function's code and its layers (merged in attach order) into the content cache, unless the
 * workspace packager already did: instances mount these immutable folders.
 */
export async function packageFunction(definition: FunctionDefinition): Promise<PackagedFunction> {
  let codeDir: string | undefined;
  let codeHash = '';
  if (definition.codeDir) {
    const cached = cachedContentHash(definition.codeDir);
    const stored = cached ? { dir: definition.codeDir, hash: cached } : await storeFolder(definition.codeDir);
    codeDir = stored.dir;
    codeHash = stored.hash;
  }
  let layersDir: string | undefined;
  let layersHash = '';
  if (definition.layers.length > 0) {
    const cached = definition.layers.length === 1 ? cachedContentHash(definition.layers[0].dir) : undefined;
    const stored = cached ? { dir: definition.layers[0].dir, hash: cached } : await storeMerged(definition.layers.map((layer) => layer.dir));
    layersDir = stored.dir;
    layersHash = stored.hash;
  }
  return { codeDir, layersDir, codeHash, layersHash };
}

/** Identifies one deploy of a function: code, layers and every setting that changes how it runs. */
export function deployFingerprint(definition: FunctionDefinition, packaged: PackagedFunction): string {
  // Routes are the gateway's business: a changed route must not restart warm instances.
  const { source: _source, codeDir: _codeDir, layers: _layers, routes: _routes, ...configuration } = definition;
  return createHash('sha256')
    .update(JSON.stringify({ code: packaged.codeHash, layers: packaged.layersHash, configuration }))
    .digest('hex')
    .slice(0, 16);
}
