import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheDir } from '../paths';
import { WORKSPACE_ERROR_CODES, workspaceError } from './errors';

/** The files npm reads to install a package's dependencies: their content names the install. */
const INSTALL_INPUTS = ['package.json', 'package-lock.json', 'npm-shrinkwrap.json', '.npmrc'];
const LOCK_FILES = ['package-lock.json', 'npm-shrinkwrap.json'];

/**
 * The dependencies a folder's package.json lists that Node cannot find from the folder: not in its
 * node_modules nor in one above it (a workspace's hoisted ones count as installed, and come along when it
 * is packaged). Optional dependencies may be missing by design and are not counted. Empty without a
 * package.json.
 */
export function missingDependencies(dir: string): string[] {
  const manifest = readManifest(dir);
  const dependencies = manifest && typeof manifest.dependencies === 'object' && manifest.dependencies ? Object.keys(manifest.dependencies) : [];
  return dependencies.filter((name) => !resolvable(dir, name));
}

/** Node's lookup of `name`'s folder from `dir` upwards. */
function resolvable(dir: string, name: string): boolean {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    if (fs.existsSync(path.join(current, 'node_modules', name, 'package.json'))) return true;
    if (path.dirname(current) === current) return false;
  }
}

function readManifest(dir: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export interface InstalledDependencies {
  /** cacheDir()/dependencies/<hash>: package.json, the lock file and node_modules, as npm left them. */
  dir: string;
  /** False when the same install was already in the cache. */
  installed: boolean;
  durationMs: number;
}

export interface InstallOptions {
  /** Names the install in messages: the function or layer. */
  owner: string;
  /** The dependencies found missing, named in the message when npm fails. */
  missing: readonly string[];
  signal?: AbortSignal;
}

/**
 * Installs a folder's production dependencies as `sam build` does, never in the folder itself: its
 * package.json, lock file and .npmrc are copied into a build folder of the cache and npm runs there
 * (`npm ci` with a lock file, else `npm install`; dev dependencies left out), with the user's own npm
 * configuration. The result is kept by the hash of those files, so the next build reuses it.
 */
export async function installDependencies(sourceDir: string, options: InstallOptions): Promise<InstalledDependencies> {
  const started = performance.now();
  const hasher = createHash('sha256');
  for (const name of INSTALL_INPUTS) {
    const file = path.join(sourceDir, name);
    hasher.update(`${name}\0`).update(fs.existsSync(file) ? fs.readFileSync(file) : '-').update('\0');
  }
  hasher.update(`${process.platform}-${process.arch}`);
  const root = path.join(cacheDir(), 'dependencies');
  const dir = path.join(root, hasher.digest('hex').slice(0, 32));
  if (fs.existsSync(dir)) return { dir, installed: false, durationMs: performance.now() - started };

  const temp = path.join(root, `.tmp-${path.basename(dir)}-${process.pid}-${randomBytes(4).toString('hex')}`);
  fs.mkdirSync(temp, { recursive: true });
  try {
    for (const name of INSTALL_INPUTS) {
      const file = path.join(sourceDir, name);
      if (fs.existsSync(file)) fs.copyFileSync(file, path.join(temp, name));
    }
    const locked = LOCK_FILES.some((name) => fs.existsSync(path.join(temp, name)));
    const args = locked
      ? ['ci', '--omit=dev', '--no-audit', '--no-fund']
      : ['install', '--omit=dev', '--no-audit', '--no-fund', '--no-package-lock'];
    await runNpm(args, temp, options, locked ? 'npm ci' : 'npm install');
    fs.chmodSync(temp, 0o755);
    fs.renameSync(temp, dir);
  } catch (error) {
    fs.rmSync(temp, { recursive: true, force: true });
    // Another process installed the same first: theirs is the same.
    if (fs.existsSync(dir)) return { dir, installed: false, durationMs: performance.now() - started };
    throw error;
  }
  return { dir, installed: true, durationMs: performance.now() - started };
}

/** npm's messages that mean the registry could not be reached at all. */
const OFFLINE = /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|network request to .* failed|request to .* failed, reason)/i;

function runNpm(args: string[], cwd: string, options: InstallOptions, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // npm_config_* the user set stay; a parent npm's own (npm run, npx) must not leak into this install.
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_(lifecycle|package|command)_|^npm_config_(prefix|global|omit|include|production|workspaces?)$/i.test(key)));
    const child = spawn(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (data: Buffer) => {
      output = (output + data.toString()).slice(-16_384);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const abort = () => child.kill('SIGTERM');
    options.signal?.addEventListener('abort', abort, { once: true });
    child.on('error', (error: NodeJS.ErrnoException) => {
      options.signal?.removeEventListener('abort', abort);
      reject(workspaceError(WORKSPACE_ERROR_CODES.dependencyInstallFailed,
        error.code === 'ENOENT'
          ? `${options.owner}: its dependencies ${list(options.missing)} are not installed, and npm, which installs them, is not on the PATH: install Node.js with npm, or run npm install in its folder yourself`
          : `${options.owner}: ${what} could not start: ${error.message}`, error));
    });
    child.on('close', (code) => {
      options.signal?.removeEventListener('abort', abort);
      if (options.signal?.aborted) return reject(options.signal.reason);
      if (code === 0) return resolve();
      const errors = output.split('\n').filter((line) => /npm (error|ERR!)/.test(line)).map((line) => line.replace(/^npm (error|ERR!)\s*/, '').trim()).filter(Boolean);
      const detail = (errors.length ? errors.slice(0, 4) : output.trim().split('\n').slice(-4)).join('; ');
      const message = OFFLINE.test(output)
        ? `${options.owner}: its dependencies ${list(options.missing)} are not installed, and the npm registry cannot be reached to install them (${detail}). Connect and deploy again, or run npm install in its folder while online (npm's cache then serves it offline)`
        : `${options.owner}: ${what} of its dependencies (${list(options.missing)}) failed: ${detail}. Fix package.json (or the lock file) and deploy again`;
      reject(workspaceError(WORKSPACE_ERROR_CODES.dependencyInstallFailed, message));
    });
  });
}

function list(names: readonly string[]): string {
  return names.length ? names.join(', ') : '(none)';
}
