import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FunctionDefinition, LayerSource } from '../functions/definition';
import type { SourceRoot } from '../runtime/client/debugSourceRoots';

/**
 * Where the files a debugged instance loads come from on this machine, as the instance is told them
 * (runtime/client/debugSources.ts): its code folder (`codeIn`: /var/task, or a process's own) from the
 * workspace folder or the bundle, and the merged layers (`layersIn`: /opt) each from its own layer's folder
 * (as the workspace packager merged them, LayerDefinition.sources, else each layer's folder whole, as
 * runtime/packaging.ts merges them).
 * Most specific first.
 */
export function debugSourceRoots(definition: FunctionDefinition, codeIn: string | undefined, layersIn: string | undefined): SourceRoot[] {
  // An esbuild bundle keeps its own file names: renamed, js-debug stopped resuming from breakpoints in its .ts
  // files (VS Code 1.100). Its code and layers are mapped by localRoot/remoteRoot instead (attachConfiguration).
  if (definition.build?.esbuild) return [];
  const roots: SourceRoot[] = [];
  if (layersIn) {
    const sources: LayerSource[] = definition.layers.flatMap((layer) => layer.sources ?? [{ dir: layer.dir }]);
    roots.push(...layerRoots(layersIn, sources.map((source) => ({ at: path.posix.join(layersIn, source.prefix ?? ''), dir: source.dir }))));
  }
  const codeFrom = definition.codeSourceDir ?? definition.codeDir;
  if (codeIn && codeFrom) roots.push([codeIn, codeFrom]);
  return roots.sort(([a], [b]) => b.length - a.length);
}

interface Mount {
  /** Where its files appear in the instance. */
  at: string;
  dir: string;
}

/**
 * Layer folders merged at their mount points, later ones winning: a folder only one of them fills maps to
 * that folder whole; where several meet, each name in it is followed down until one alone has it.
 */
function layerRoots(at: string, mounts: Mount[]): SourceRoot[] {
  const here = mounts.filter((m) => m.at === at);
  const below = mounts.filter((m) => m.at.startsWith(`${at}/`));
  if (here.length === 1 && below.length === 0) return [[at, here[0].dir]];
  const names = new Set<string>();
  for (const mount of here) for (const name of entries(mount.dir)) names.add(name);
  for (const mount of below) names.add(mount.at.slice(at.length + 1).split('/')[0]);
  const roots: SourceRoot[] = [];
  for (const name of names) {
    const child = path.posix.join(at, name);
    const owners = here.filter((m) => fs.existsSync(path.join(m.dir, name)));
    const deeper = below.filter((m) => m.at === child || m.at.startsWith(`${child}/`));
    const last = owners[owners.length - 1];
    if (last && !isDirectory(path.join(last.dir, name))) {
      if (deeper.length === 0) roots.push([child, path.join(last.dir, name)]);
      continue;
    }
    const directories = owners.filter((m) => isDirectory(path.join(m.dir, name))).map((m) => ({ at: child, dir: path.join(m.dir, name) }));
    roots.push(...layerRoots(child, [...directories, ...deeper]));
  }
  return roots;
}

function entries(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function isDirectory(file: string): boolean {
  try {
    return fs.statSync(file).isDirectory();
  } catch {
    return false;
  }
}
