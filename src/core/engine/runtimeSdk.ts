import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { errorMessage } from '../errors';
import type { Logger } from '../log';
import { installPackages } from '../npm/npmCli';
import { cacheDir } from '../paths';

/**
 * The AWS SDK for JavaScript v3 that Lambda's Node.js runtimes carry in /var/runtime/node_modules, for the
 * local image and the process backend (the official images have their own). Lambda ships every client; we
 * install the commonly used ones, each at its newest release up to the SDK release Lambda's runtimes are
 * near, from the npm registry with the user's npm, once per set into cacheDir()/runtime-sdk/<id>.
 *
 * The install runs in the background, so a function that does not use the SDK starts at once. Its state is
 * in files beside the folder, which instances see through a read-only mount of the whole store: `<id>.installing`
 * while it runs, `<id>/node_modules` when done (renamed into place whole), `<id>.failed` (npm's reason) when
 * it failed. An instance launched once it is installed also gets `<id>/node_modules` at /var/runtime/node_modules,
 * where Lambda has it. The runtime client that cannot find an @aws-sdk module waits on the state files, then
 * finds the set in the store (see client/runtimeSdk).
 */

const RECIPE_VERSION = '1';

/** The clients and libraries provided (Lambda has them all; these cover what functions commonly import). */
export const RUNTIME_SDK_PACKAGES = [
  'client-dynamodb', 'lib-dynamodb', 'util-dynamodb',
  'client-s3', 's3-request-presigner', 'lib-storage',
  'client-sqs', 'client-sns', 'client-eventbridge', 'client-kinesis', 'client-firehose', 'client-sfn',
  'client-lambda', 'client-secrets-manager', 'client-ssm', 'client-kms', 'client-sts', 'credential-providers',
  'client-cloudwatch', 'client-cloudwatch-logs', 'client-ses', 'client-sesv2',
  'client-cognito-identity-provider', 'client-apigatewaymanagementapi', 'client-bedrock-runtime',
].map((name) => `@aws-sdk/${name}`);

/**
 * The SDK release each runtime is given: nodejs18.x the last release that supports Node.js 18 (as Lambda
 * froze that runtime's SDK when it was deprecated), the others a recent one.
 */
export function runtimeSdkRelease(major: number): string {
  return major <= 18 ? '3.965.0' : '3.1162.0';
}

export interface RuntimeSdk {
  /** Names the set (release + packages + recipe): the folder's name in the store. */
  id: string;
  release: string;
  packages: readonly string[];
}

export function runtimeSdkFor(major: number): RuntimeSdk {
  const release = runtimeSdkRelease(major);
  const hash = createHash('sha256').update(`${RECIPE_VERSION}\0${release}\0${RUNTIME_SDK_PACKAGES.join('\0')}`).digest('hex').slice(0, 12);
  return { id: `aws-sdk-${release}-${hash}`, release, packages: RUNTIME_SDK_PACKAGES };
}

/** The folder that holds every installed set (mounted read-only at /var/runtime/sdk in local instances). */
export function runtimeSdkStore(): string {
  const dir = path.join(cacheDir(), 'runtime-sdk');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Where Lambda has the SDK: an instance launched once the set is installed gets its node_modules mounted here. */
export const RUNTIME_SDK_IN_IMAGE = '/var/runtime/node_modules';
/**
 * Where local instances see the whole store (read-only), so that one launched while the set is still being
 * installed sees it appear (a mount of the set's own folder would show the empty folder it replaced).
 */
export const RUNTIME_SDK_MOUNT = '/var/runtime/sdk';

export type RuntimeSdkState = 'ready' | 'installing' | 'failed' | 'absent';

/** Where a set's folder and state files are, under a store root (the host's, or the instance's mount). */
export function runtimeSdkPaths(root: string, id: string) {
  const base = path.join(root, id);
  return { folder: base, nodeModules: path.join(base, 'node_modules'), installing: `${base}.installing`, failed: `${base}.failed` };
}

/** Starts the install of a set in the background unless it is there, being installed, or failed just now. */
export class RuntimeSdkInstaller {
  private readonly running = new Map<string, Promise<void>>();
  /** When each set last failed in this session: tried again after a minute, not at every launch. */
  private readonly failedAt = new Map<string, number>();

  constructor(private readonly log: Logger) {}

  state(sdk: RuntimeSdk): RuntimeSdkState {
    const paths = runtimeSdkPaths(runtimeSdkStore(), sdk.id);
    if (fs.existsSync(paths.nodeModules)) return 'ready';
    if (fs.existsSync(paths.installing)) return 'installing';
    if (fs.existsSync(paths.failed)) return 'failed';
    return 'absent';
  }

  /**
   * Makes sure the set is or will be there; returns at once. When it starts an install, the `.installing`
   * file exists before it returns, so an instance launched next can tell "wait" from "not provided".
   */
  ensure(sdk: RuntimeSdk): void {
    const store = runtimeSdkStore();
    const paths = runtimeSdkPaths(store, sdk.id);
    if (this.running.has(sdk.id) || fs.existsSync(paths.nodeModules)) return;
    const failedAt = this.failedAt.get(sdk.id);
    if (failedAt !== undefined && Date.now() - failedAt < 60_000) return;
    if (!takeInstallLock(paths.installing)) return; // another live session is installing it
    fs.rmSync(paths.failed, { force: true });
    const install = this.install(sdk, store, paths)
      .catch((error: unknown) => {
        this.failedAt.set(sdk.id, Date.now());
        fs.writeFileSync(paths.failed, errorMessage(error));
        this.log.warn(`the runtime's AWS SDK (${sdk.release}) could not be installed: ${errorMessage(error)}; functions that import @aws-sdk modules without bundling them will fail until it is`);
      })
      .finally(() => {
        fs.rmSync(paths.installing, { force: true });
        this.running.delete(sdk.id);
      });
    this.running.set(sdk.id, install);
  }

  /** Resolves when the installs this session started have ended (for shutdown and tests). */
  async settled(): Promise<void> {
    await Promise.all(this.running.values());
  }

  private async install(sdk: RuntimeSdk, store: string, paths: ReturnType<typeof runtimeSdkPaths>): Promise<void> {
    const started = Date.now();
    this.log.info(`installing the runtime's AWS SDK (@aws-sdk ${sdk.release}, ${sdk.packages.length} packages) into ${paths.folder}, once`);
    const work = fs.mkdtempSync(path.join(store, `${sdk.id}.tmp-`));
    try {
      await installPackages(work, sdk.packages.map((pkg) => `${pkg}@<=${sdk.release}`));
      fs.writeFileSync(path.join(work, 'lambda-dock-runtime-sdk.json'), JSON.stringify({ release: sdk.release, packages: sdk.packages }, null, 2));
      try {
        fs.renameSync(work, paths.folder);
      } catch (error) {
        if (!fs.existsSync(paths.nodeModules)) throw error; // else another session put it there first
      }
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
    this.log.info(`the runtime's AWS SDK is installed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
}

/** Creates the lock file, or takes over one whose process on this machine is gone. False while another holds it. */
function takeInstallLock(file: string): boolean {
  const owner = JSON.stringify({ pid: process.pid, host: os.hostname() });
  try {
    fs.writeFileSync(file, owner, { flag: 'wx' });
    return true;
  } catch {
    // held: by a live process?
  }
  try {
    const holder = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid?: number; host?: string };
    if (holder.host === os.hostname() && holder.pid && !isAlive(holder.pid)) {
      fs.writeFileSync(file, owner);
      return true;
    }
  } catch {
    // unreadable: leave it to its writer
  }
  return false;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
