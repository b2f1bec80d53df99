import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type Docker from 'dockerode';
import * as tar from 'tar-stream';
import { awsRicCacheRoot, awsRicInstallPaths, ensureAwsRicInstall, execFileAsync, hostNpmCli, sharedLibraries } from './awsRicImage';
import { filesUnder, OFFICIAL_ENTRYPOINT_SCRIPT } from './officialEntrypoint';

/**
 * A stand-in for the official Node.js 22 image (public.ecr.aws/lambda/nodejs:22), which cannot be pulled here,
 * laid out as that image is: /lambda-entrypoint.sh (the handler as its one argument, the emulator only without
 * AWS_LAMBDA_RUNTIME_API) runs /var/runtime/bootstrap, which sets NODE_PATH, the memory flags and
 * AWS_EXECUTION_ENV and starts /var/lang/bin/node on /var/runtime/index.mjs: AWS's own runtime interface
 * client (aws-lambda-ric, built from npm with its rapid-client addon). The runtime's AWS SDK is in
 * /var/runtime/node_modules at a release of its own (SDK_RELEASE), so a test tells the image's SDK from the one
 * Lambda Dock provides to its local image.
 *
 * Made on this machine without a registry; tagged by what went in. Used through runtimeImages, never under the
 * official name: that would change what every other test's nodejs22.x functions run on the shared engine.
 */
export const SDK_PACKAGE = '@aws-sdk/client-sts';
export const SDK_RELEASE = '3.687.0';
const RECIPE_VERSION = '1';
export const OFFICIAL_NODE_IMAGE_REPO = 'lambda-dock-test/lambda-nodejs';

/** Behaves as the nodejs22.x image's /var/runtime/bootstrap does (in POSIX sh). */
const BOOTSTRAP_SCRIPT = `#!/bin/sh
# Stand-in for the nodejs22.x runtime's bootstrap: Lambda's NODE_PATH, V8 sized to the memory, AWS's client.
if [ -z "$NODE_PATH" ]; then
  export NODE_PATH="/opt/nodejs/node22/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task"
fi
MEMORY_ARGS=""
if [ -n "$AWS_LAMBDA_FUNCTION_MEMORY_SIZE" ]; then
  new_space=$((AWS_LAMBDA_FUNCTION_MEMORY_SIZE / 10))
  MEMORY_ARGS="--max-semi-space-size=$((new_space / 2)) --max-old-space-size=$((AWS_LAMBDA_FUNCTION_MEMORY_SIZE - new_space))"
fi
export AWS_EXECUTION_ENV=AWS_Lambda_nodejs22.x
exec /var/lang/bin/node --expose-gc --max-http-header-size 81920 --no-experimental-require-module --no-experimental-detect-module $MEMORY_ARGS /var/runtime/index.mjs
`;

export interface OfficialNodeImage {
  tag: string;
  nodeVersion: string;
  ricVersion: string;
  sdkRelease: string;
}

export function officialNodeImageTag(ricInstall: { nodeVersion: string; ricVersion: string }): string {
  const hash = createHash('sha256')
    .update([RECIPE_VERSION, ricInstall.nodeVersion, ricInstall.ricVersion, SDK_PACKAGE, SDK_RELEASE, OFFICIAL_ENTRYPOINT_SCRIPT, BOOTSTRAP_SCRIPT, process.arch].join('\0'))
    .digest('hex');
  return `${OFFICIAL_NODE_IMAGE_REPO}:22-${hash.slice(0, 12)}`;
}

/** Builds the image unless the engine has it; Node.js 22, aws-lambda-ric and the SDK are installed once into the test cache. */
export async function ensureOfficialNodeImage(docker: Docker, log: (line: string) => void = () => undefined): Promise<OfficialNodeImage> {
  const { dir } = await ensureAwsRicInstall(log);
  const install = awsRicInstallPaths(dir);
  const tag = officialNodeImageTag(install);
  const image = { tag, nodeVersion: install.nodeVersion, ricVersion: install.ricVersion, sdkRelease: SDK_RELEASE };
  try {
    await docker.getImage(tag).inspect();
    return image;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
  const sdk = await ensureSdkInstall(log);
  const [repo, version] = tag.split(':');
  const stream = await docker.importImage(rootFileSystem(install, sdk) as unknown as string, { repo, tag: version, changes: imageChanges(install) });
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (error: Error | null, events: Array<{ error?: string }>) => {
      const failed = error ?? events.find((e) => e.error);
      if (failed) reject(new Error(`importing ${tag} failed: ${failed instanceof Error ? failed.message : failed.error}`));
      else resolve();
    });
  });
  return image;
}

/** The SDK client and its dependencies, installed once (node_modules) beside the aws-lambda-ric install. */
async function ensureSdkInstall(log: (line: string) => void): Promise<string> {
  const dir = path.join(awsRicCacheRoot(), `runtime-sdk-${SDK_RELEASE}-r${RECIPE_VERSION}`);
  const nodeModules = path.join(dir, 'node_modules');
  if (fs.existsSync(path.join(dir, 'complete'))) return nodeModules;
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const work = fs.mkdtempSync(`${dir}.tmp-`);
  try {
    log(`npm install ${SDK_PACKAGE}@${SDK_RELEASE}...`);
    fs.writeFileSync(path.join(work, 'package.json'), '{ "name": "official-image-runtime-sdk", "private": true }\n');
    await execFileAsync(process.execPath, [hostNpmCli(), 'install', '--no-audit', '--no-fund', '--no-save', '--no-package-lock', '--loglevel=error', `${SDK_PACKAGE}@${SDK_RELEASE}`], { cwd: work });
    fs.writeFileSync(path.join(work, 'complete'), `${new Date().toISOString()}\n`);
    fs.renameSync(work, dir);
  } catch (error) {
    fs.rmSync(work, { recursive: true, force: true });
    if (!fs.existsSync(path.join(dir, 'complete'))) throw error;
  }
  return nodeModules;
}

/** The official image's configuration: its environment (no NODE_PATH: the bootstrap sets it), workdir and entrypoint. */
function imageChanges(install: { nodeVersion: string; ricVersion: string }): string[] {
  const env = {
    LANG: 'en_US.UTF-8',
    TZ: ':/etc/localtime',
    PATH: '/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin',
    LD_LIBRARY_PATH: '/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib',
    LAMBDA_TASK_ROOT: '/var/task',
    LAMBDA_RUNTIME_DIR: '/var/runtime',
  };
  return [
    ...Object.entries(env).map(([k, v]) => `ENV ${k}=${v}`),
    'WORKDIR /var/task',
    'ENTRYPOINT ["/lambda-entrypoint.sh"]',
    `LABEL lambda-dock-test.image=official-nodejs22 lambda-dock-test.node=${install.nodeVersion} lambda-dock-test.aws-lambda-ric=${install.ricVersion} lambda-dock-test.aws-sdk=${SDK_RELEASE}`,
  ];
}

function rootFileSystem(install: { node: string; ric: string }, sdkNodeModules: string): NodeJS.ReadableStream {
  const shell = fs.realpathSync('/bin/sh');
  const files = new Map<string, { from?: string; text?: string; mode: number }>([
    ['/var/lang/bin/node', { from: install.node, mode: 0o755 }],
    ['/var/runtime/index.mjs', { from: path.join(install.ric, 'index.mjs'), mode: 0o644 }],
    ['/var/runtime/rapid-client.node', { from: path.join(install.ric, 'rapid-client.node'), mode: 0o755 }],
    ['/var/runtime/bootstrap', { text: BOOTSTRAP_SCRIPT, mode: 0o755 }],
    ['/lambda-entrypoint.sh', { text: OFFICIAL_ENTRYPOINT_SCRIPT, mode: 0o755 }],
    ['/bin/sh', { from: shell, mode: 0o755 }],
    ['/etc/passwd', { text: 'root:x:0:0:root:/root:/sbin/nologin\nsbx_user1051:x:993:990::/home/sbx_user1051:/sbin/nologin\n', mode: 0o644 }],
    ['/etc/group', { text: 'root:x:0:\n', mode: 0o644 }],
  ]);
  for (const lib of [install.node, path.join(install.ric, 'rapid-client.node'), shell].flatMap(sharedLibraries)) files.set(lib, { from: fs.realpathSync(lib), mode: 0o755 });
  for (const file of filesUnder(sdkNodeModules, new Set(['.bin']))) files.set(`/var/runtime/node_modules/${file}`, { from: path.join(sdkNodeModules, file), mode: 0o644 });

  const pack = tar.pack();
  const addAll = async () => {
    const made = new Set<string>();
    const mkdir = (dir: string) => {
      const parts = dir.split('/').filter(Boolean);
      for (let i = 1; i <= parts.length; i++) {
        const name = parts.slice(0, i).join('/');
        if (made.has(name)) continue;
        made.add(name);
        pack.entry({ name, type: 'directory', mode: name === 'tmp' ? 0o1777 : 0o755 });
      }
    };
    for (const dir of ['/tmp', '/var/task', '/opt', '/usr/local/bin']) mkdir(dir);
    for (const [target, file] of files) {
      mkdir(path.posix.dirname(target));
      const content = file.text !== undefined ? Buffer.from(file.text) : await fs.promises.readFile(file.from!);
      await new Promise<void>((resolve, reject) => pack.entry({ name: target.slice(1), mode: file.mode, size: content.length }, content, (e) => (e ? reject(e) : resolve())));
    }
    pack.finalize();
  };
  addAll().catch((error: unknown) => pack.destroy(error as Error));
  return pack as unknown as NodeJS.ReadableStream;
}
