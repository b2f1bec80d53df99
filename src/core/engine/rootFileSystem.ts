import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type Docker from 'dockerode';
import * as tar from 'tar-stream';
import { LABELS } from './backend';
import { followProgress } from './progress';

// What the local images (Node.js, Python, custom runtimes) share: a root file system packed from host files,
// imported as an image through the Engine API, so no registry is involved.

/** One host file placed at `target` (absolute) in the image. */
export interface RootFsFile {
  target: string;
  source: string;
  mode?: number;
}

export interface RootFsSpec {
  files: RootFsFile[];
  /** Extra absolute folders to create (parents of files are made anyway). */
  dirs?: string[];
  /** Small generated files: absolute path -> content. */
  texts?: Record<string, string>;
}

/** The folders every local image has: /tmp (sticky), /var/task, /var/runtime, /opt, /etc. */
const BASE_DIRS = ['/tmp', '/var', '/var/task', '/var/runtime', '/opt', '/etc'];
const BASE_TEXTS: Record<string, string> = {
  '/etc/passwd': 'root:x:0:0:root:/root:/sbin/nologin\nsbx_user1051:x:993:990::/home/sbx_user1051:/sbin/nologin\n',
  '/etc/group': 'root:x:0:\n',
};

/** The shared libraries binaries need, as ldd reports them (absolute paths, the loader included). */
export function sharedLibraries(binaries: readonly string[]): string[] {
  const libs = new Set<string>();
  for (const binary of binaries) {
    let output: string;
    try {
      output = execFileSync('ldd', [binary], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch {
      continue; // "not a dynamic executable": a static binary needs nothing
    }
    for (const line of output.split('\n')) {
      const match = /=>\s+(\/\S+)|^\s*(\/\S+)\s+\(/.exec(line);
      const lib = match?.[1] ?? match?.[2];
      if (lib) libs.add(lib);
    }
  }
  return [...libs];
}

/** Host files at the same paths in the image, following symbolic links for the content. */
export function hostFiles(paths: readonly string[], mode = 0o755): RootFsFile[] {
  return paths.map((file) => ({ target: file, source: fs.realpathSync(file), mode }));
}

/** A hash of what goes into an image: the recipe, and each source file's path, size and mtime. */
export function contentTag(recipe: string, sources: readonly string[], extra: readonly (string | Buffer)[] = []): string {
  const hash = createHash('sha256').update(recipe);
  for (const source of [...sources].sort()) {
    const stat = fs.statSync(source);
    hash.update(`\0${source}:${stat.size}:${stat.mtimeMs}`);
  }
  for (const item of extra) hash.update('\0').update(item);
  return hash.digest('hex').slice(0, 12);
}

/** Packs the spec (plus the base folders and /etc files) into a tar stream; mtimes are kept (Python's .pyc check them). */
export function packRootFileSystem(spec: RootFsSpec): NodeJS.ReadableStream {
  const pack = tar.pack();
  const made = new Set<string>();
  const dir = (absolute: string) => {
    const parts = absolute.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) {
      const name = parts.slice(0, i).join('/');
      if (made.has(name)) continue;
      made.add(name);
      pack.entry({ name, type: 'directory', mode: name === 'tmp' ? 0o1777 : 0o755 });
    }
  };
  const addAll = async () => {
    for (const d of [...BASE_DIRS, ...(spec.dirs ?? [])]) dir(d);
    for (const [target, content] of Object.entries({ ...BASE_TEXTS, ...spec.texts })) {
      dir(path.posix.dirname(target));
      pack.entry({ name: target.slice(1) }, content);
    }
    const seen = new Set<string>();
    for (const file of spec.files) {
      if (seen.has(file.target)) continue;
      seen.add(file.target);
      dir(path.posix.dirname(file.target));
      const [content, stat] = await Promise.all([fs.promises.readFile(file.source), fs.promises.stat(file.source)]);
      await new Promise<void>((resolve, reject) =>
        pack.entry({ name: file.target.slice(1), mode: file.mode ?? (stat.mode & 0o777), size: content.length, mtime: stat.mtime }, content, (e) => (e ? reject(e) : resolve())),
      );
    }
    pack.finalize();
  };
  addAll().catch((error: unknown) => pack.destroy(error as Error));
  // tar-stream's streamx stream pipes like a Node.js stream, which is all docker-modem asks of it.
  return pack as unknown as NodeJS.ReadableStream;
}

export interface ImportedImage {
  tag: string;
  /** Dockerfile instructions for the import (ENV, WORKDIR, ENTRYPOINT...); the image labels are added. */
  changes: string[];
  /** What the image is, for its lambda-dock.image label: local-nodejs, local-python... */
  kind: string;
  rootFileSystem: () => RootFsSpec;
}

/** Imports the image if the engine does not have its tag yet; returns the tag. */
export async function ensureImportedImage(docker: Docker, sessionId: string, image: ImportedImage): Promise<string> {
  try {
    await docker.getImage(image.tag).inspect();
    return image.tag;
  } catch {
    // not built yet
  }
  const changes = [
    ...image.changes,
    // Not lambda-dock.session: every container made from the image would inherit it and pass for ours.
    `LABEL ${LABELS.image}=${image.kind}`,
    `LABEL ${LABELS.image}-built-by=${sessionId}`,
  ];
  try {
    // repo carries the tag: Podman's compatible API ignores a separate tag parameter.
    const stream = await docker.importImage(packRootFileSystem(image.rootFileSystem()) as unknown as string, { repo: image.tag, changes });
    await followProgress(docker, stream);
  } catch (error) {
    throw new Error(`building ${image.tag} failed: ${(error as Error).message}`);
  }
  return image.tag;
}

/** Dockerfile ENV instructions for an environment. */
export function envChanges(env: Record<string, string>): string[] {
  return Object.entries(env).map(([k, v]) => `ENV ${k}=${v}`);
}
