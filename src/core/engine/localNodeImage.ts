import * as fs from 'node:fs';
import type Docker from 'dockerode';
import { runtimeClientPath } from '../paths';
import { contentTag, ensureImportedImage, envChanges, hostFiles, sharedLibraries, type ImportedImage } from './rootFileSystem';

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
  const hash = contentTag(RECIPE_VERSION, [source.nodeBinary], [fs.readFileSync(source.runtimeClient)]);
  return `lambda-dock/nodejs-local:${process.versions.node.split('.')[0]}-${hash}`;
}

/** Builds the image if it is not there yet; returns its tag. */
export function ensureLocalNodeImage(docker: Docker, sessionId: string, source = defaultLocalImageSource()): Promise<string> {
  return ensureImportedImage(docker, sessionId, localNodeImage(source));
}

function localNodeImage(source: LocalImageSource): ImportedImage {
  const env = {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    LAMBDA_TASK_ROOT: '/var/task',
    LAMBDA_RUNTIME_DIR: '/var/runtime',
    NODE_PATH: '/opt/nodejs/node20/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task',
  };
  return {
    tag: localNodeImageTag(source),
    kind: 'local-nodejs',
    changes: [...envChanges(env), 'WORKDIR /var/task', `ENTRYPOINT ["${NODE_IN_IMAGE}", "/var/runtime/bootstrap.js"]`],
    rootFileSystem: () => ({
      dirs: ['/usr/local/bin'],
      files: [
        { target: NODE_IN_IMAGE, source: source.nodeBinary, mode: 0o755 },
        { target: '/var/runtime/bootstrap.js', source: source.runtimeClient, mode: 0o644 },
        ...hostFiles(sharedLibraries([source.nodeBinary])),
      ],
    }),
  };
}
