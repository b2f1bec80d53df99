import * as fs from 'node:fs';
import type Docker from 'dockerode';
import type { Logger } from '../log';
import { relayProgramPath, runtimeClientPath } from '../paths';
import { lambdaNodeFlags, majorOf, nodeBinaryForImage, type NodeBinary } from './nodeBinaries';
import { RUNTIME_SDK_IN_IMAGE, RUNTIME_SDK_MOUNT } from './runtimeSdk';
import { contentTag, ensureImportedImage, envChanges, hostFiles, sharedLibraries, type ImportedImage } from './rootFileSystem';

const RECIPE_VERSION = '5';
const NODE_IN_IMAGE = '/usr/local/bin/node';
const LOCAL_NODE_IMAGE_REPO = 'lambda-dock/nodejs-local';

/** True for a tag of the local Node.js image (its instances get the runtime's SDK mounted, see runtimeSdk). */
export function isLocalNodeImage(image: string): boolean {
  return image.startsWith(`${LOCAL_NODE_IMAGE_REPO}:`);
}

/**
 * A Lambda-like Node.js image made on this machine from a node binary of the runtime's major (the host's,
 * or one from the npm registry's node-linux-* packages), its shared libraries and our runtime client: no
 * container registry involved. Used where the official image cannot be had.
 */
export interface LocalImageSource {
  node: NodeBinary;
  runtimeClient: string;
  /** The Runtime API relay a remote engine runs (from this image) for each session. */
  relay: string;
}

/** The source for a Node.js major: that major's binary (see nodeBinaryForImage) and the bundled runtime client. */
export async function localImageSource(major: number, log: Logger): Promise<LocalImageSource> {
  return { node: await nodeBinaryForImage(major, log), runtimeClient: runtimeClientPath(), relay: relayProgramPath() };
}

/** Lambda's NODE_PATH for a major: layers' node{N} and shared folders, the runtime's SDK, the runtime, the task. */
export function lambdaNodePath(major: number): string {
  return `/opt/nodejs/node${major}/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task`;
}

/** The tag names what went in, so a changed runtime client or node binary makes a new image. */
export function localNodeImageTag(source: LocalImageSource): string {
  const major = majorOf(source.node.version);
  const hash = contentTag(RECIPE_VERSION, [source.node.path], [fs.readFileSync(source.runtimeClient), fs.readFileSync(source.relay)]);
  return `${LOCAL_NODE_IMAGE_REPO}:${major}-${hash}`;
}

/** Builds the image if it is not there yet; returns its tag. */
export function ensureLocalNodeImage(docker: Docker, sessionId: string, source: LocalImageSource): Promise<string> {
  return ensureImportedImage(docker, sessionId, localNodeImage(source));
}

function localNodeImage(source: LocalImageSource): ImportedImage {
  const env = {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    LAMBDA_TASK_ROOT: '/var/task',
    LAMBDA_RUNTIME_DIR: '/var/runtime',
    NODE_PATH: lambdaNodePath(majorOf(source.node.version)),
  };
  return {
    tag: localNodeImageTag(source),
    kind: 'local-nodejs',
    changes: [...envChanges(env), 'WORKDIR /var/task', `ENTRYPOINT ${JSON.stringify([NODE_IN_IMAGE, ...lambdaNodeFlags(source.node), '/var/runtime/bootstrap.js'])}`],
    rootFileSystem: () => ({
      // Mount points for the runtime's AWS SDK (see runtimeSdk): empty unless an instance mounts them.
      dirs: ['/usr/local/bin', RUNTIME_SDK_MOUNT, RUNTIME_SDK_IN_IMAGE],
      files: [
        { target: NODE_IN_IMAGE, source: source.node.path, mode: 0o755 },
        { target: '/var/runtime/bootstrap.js', source: source.runtimeClient, mode: 0o644 },
        { target: '/var/runtime/relay.js', source: source.relay, mode: 0o644 },
        ...hostFiles(sharedLibraries([source.node.path])),
      ],
    }),
  };
}
