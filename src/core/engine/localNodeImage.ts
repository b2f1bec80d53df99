import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import type Docker from 'dockerode';
import * as tar from 'tar-stream';
import { runtimeClientPath } from '../paths';
import { LABELS } from './backend';
import { followProgress } from './progress';

const RECIPE_VERSION = '2';
const NODE_IN_IMAGE = '/usr/local/bin/node';

/**
 * A Lambda-like Node.js image made on this machine from the host's own node binary, its shared libraries
 * and our runtime client: no registry involved. Used where the official image cannot be had.
 */
export interface LocalImageSource {
  nodeBinary: string;
  runtimeClient: string;
}

export function defaultLocalImageSource(): LocalImageSource {
  return { nodeBinary: fs.realpathSync(process.execPath), runtimeClient: runtimeClientPath() };
}

/** The tag names what went in, so a changed runtime client or node binary makes a new image. */
export function localNodeImageTag(source: LocalImageSource): string {
  const hash = createHash('sha256');
  hash.update(RECIPE_VERSION);
  const stat = fs.statSync(source.nodeBinary);
  hash.update(`${source.nodeBinary}:${stat.size}:${stat.mtimeMs}`);
  hash.update(fs.readFileSync(source.runtimeClient));
  return `lambda-dock/nodejs-local:${process.versions.node.split('.')[0]}-${hash.digest('hex').slice(0, 12)}`;
}

/** Builds the image if it is not there yet; returns its tag. */
export async function ensureLocalNodeImage(docker: Docker, sessionId: string, source = defaultLocalImageSource()): Promise<string> {
  const tag = localNodeImageTag(source);
  try {
    await docker.getImage(tag).inspect();
    return tag;
  } catch {
    // not built yet
  }
  // repo carries the tag: Podman's compatible API ignores a separate tag parameter.
  const stream = await docker.importImage(rootFileSystem(source) as unknown as string, { repo: tag, changes: imageChanges(sessionId) });
  try {
    await followProgress(docker, stream);
  } catch (error) {
    throw new Error(`building ${tag} failed: ${(error as Error).message}`);
  }
  return tag;
}

function imageChanges(sessionId: string): string[] {
  const env = {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    LAMBDA_TASK_ROOT: '/var/task',
    LAMBDA_RUNTIME_DIR: '/var/runtime',
    NODE_PATH: '/opt/nodejs/node20/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task',
  };
  return [
    ...Object.entries(env).map(([k, v]) => `ENV ${k}=${v}`),
    'WORKDIR /var/task',
    `ENTRYPOINT ["${NODE_IN_IMAGE}", "/var/runtime/bootstrap.js"]`,
    // Not lambda-dock.session: every container made from the image would inherit it and pass for ours.
    `LABEL ${LABELS.image}=local-nodejs`,
    `LABEL ${LABELS.image}-built-by=${sessionId}`,
  ];
}

/** The shared libraries node needs, as ldd reports them. */
function sharedLibraries(binary: string): string[] {
  const output = execFileSync('ldd', [binary], { encoding: 'utf8' });
  const libs = new Set<string>();
  for (const line of output.split('\n')) {
    const match = /=>\s+(\/\S+)|^\s*(\/\S+)\s+\(/.exec(line);
    const lib = match?.[1] ?? match?.[2];
    if (lib) libs.add(lib);
  }
  return [...libs];
}

function rootFileSystem(source: LocalImageSource): NodeJS.ReadableStream {
  const pack = tar.pack();
  const dirs = ['tmp', 'var', 'var/task', 'var/runtime', 'opt', 'etc', 'usr', 'usr/local', 'usr/local/bin'];
  const files: Array<[string, string, number]> = [[NODE_IN_IMAGE, source.nodeBinary, 0o755], ['/var/runtime/bootstrap.js', source.runtimeClient, 0o644]];
  for (const lib of sharedLibraries(source.nodeBinary)) files.push([lib, fs.realpathSync(lib), 0o755]);

  const addAll = async () => {
    for (const dir of dirs) pack.entry({ name: dir, type: 'directory', mode: dir === 'tmp' ? 0o1777 : 0o755 });
    const made = new Set(dirs);
    for (const [target] of files) {
      const parts = target.split('/').filter(Boolean).slice(0, -1);
      for (let i = 1; i <= parts.length; i++) {
        const dir = parts.slice(0, i).join('/');
        if (!made.has(dir)) {
          made.add(dir);
          pack.entry({ name: dir, type: 'directory', mode: 0o755 });
        }
      }
    }
    pack.entry({ name: 'etc/passwd' }, 'root:x:0:0:root:/root:/sbin/nologin\nsbx_user1051:x:993:990::/home/sbx_user1051:/sbin/nologin\n');
    pack.entry({ name: 'etc/group' }, 'root:x:0:\n');
    for (const [target, from, mode] of files) {
      const content = await fs.promises.readFile(from);
      await new Promise<void>((resolve, reject) => pack.entry({ name: target.slice(1), mode, size: content.length }, content, (e) => (e ? reject(e) : resolve())));
    }
    pack.finalize();
  };
  addAll().catch((error: unknown) => pack.destroy(error as Error));
  // tar-stream's streamx stream pipes like a Node.js stream, which is all docker-modem asks of it.
  return pack as unknown as NodeJS.ReadableStream;
}
