import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

let foundPackageRoot: string | undefined;
let foundRuntimeClient: string | undefined;

/** The package's root folder, found from this file whether it runs bundled (dist/) or from source. */
export function packageRoot(): string {
  foundPackageRoot ??= findPackageRoot();
  return foundPackageRoot;
}

function findPackageRoot(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'lambda-dock') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`lambda-dock: cannot find the package root above ${__dirname}`);
    dir = parent;
  }
}

/** The bundled runtime client that runs inside an instance (built by `npm run build`). */
export function runtimeClientPath(): string {
  if (foundRuntimeClient) return foundRuntimeClient;
  const file = path.join(packageRoot(), 'dist', 'runtime', 'bootstrap.js');
  // Not remembered while missing: a build may yet make it.
  if (!fs.existsSync(file)) throw new Error(`lambda-dock: ${file} is missing; run 'npm run build' first`);
  foundRuntimeClient = file;
  return file;
}

/** Our Python runtime client (copied into dist by `npm run build`), standard library only. */
export function pythonRuntimeClientPath(): string {
  const file = path.join(packageRoot(), 'dist', 'runtime', 'python', 'bootstrap.py');
  if (!fs.existsSync(file)) throw new Error(`lambda-dock: ${file} is missing; run 'npm run build' first`);
  return file;
}

/** The bundled Runtime API relay that runs on a remote engine (built by `npm run build`). */
export function relayProgramPath(): string {
  const file = path.join(path.dirname(runtimeClientPath()), 'relay.js');
  if (!fs.existsSync(file)) throw new Error(`lambda-dock: ${file} is missing; run 'npm run build' first`);
  return file;
}

/** The debug preload for runtime clients other than ours (built by `npm run build`): see engine/inspector.ts. */
export function debugPreloadPath(): string {
  const file = path.join(path.dirname(runtimeClientPath()), 'debugger.js');
  if (!fs.existsSync(file)) throw new Error(`lambda-dock: ${file} is missing; run 'npm run build' first`);
  return file;
}

/** Persistent caches (code, layers): $LAMBDA_DOCK_CACHE_DIR, else $XDG_CACHE_HOME/lambda-dock. */
export function cacheDir(): string {
  const base = process.env.LAMBDA_DOCK_CACHE_DIR
    ?? path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'lambda-dock');
  fs.mkdirSync(base, { recursive: true });
  return base;
}

/**
 * Sockets and session markers: short paths (Unix socket paths are limited to about 104 bytes) in a folder
 * only this user can enter.
 */
export function runtimeDir(): string {
  const base = process.env.LAMBDA_DOCK_RUNTIME_DIR
    ?? (process.env.XDG_RUNTIME_DIR ? path.join(process.env.XDG_RUNTIME_DIR, 'lambda-dock') : path.join(os.tmpdir(), `lambda-dock-${os.userInfo().uid}`));
  fs.mkdirSync(base, { recursive: true, mode: 0o700 });
  const stat = fs.lstatSync(base);
  if (!stat.isDirectory() || stat.uid !== os.userInfo().uid) {
    throw new Error(`lambda-dock: ${base} is not a folder owned by this user; remove it or set LAMBDA_DOCK_RUNTIME_DIR`);
  }
  if ((stat.mode & 0o077) !== 0) fs.chmodSync(base, 0o700);
  return base;
}
