import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { SOCKET_ERRORS, socketError } from './errors';

/** The socket file's name: the launch mounts its folder at /var/run, so it appears as /var/run/docker.sock. */
export const SOCKET_FILE = 'docker.sock';
/** sun_path is 108 bytes on Linux and 104 on macOS, the terminating NUL included. */
export const MAX_SOCKET_PATH_BYTES = 103;

/** The folder of a key's socket: short and derived from the key alone, so the same key finds the same path. */
export function socketDirFor(root: string, containerKey: string): string {
  return path.join(root, 'sockets', createHash('sha256').update(containerKey).digest('hex').slice(0, 16));
}

/**
 * Makes `dir` (and its parent) a folder only this user can enter, ready for a fresh socket. A leftover
 * socket of ours that nobody answers on is removed; anything else already there (a symlink, a file, a
 * folder of another user, a live socket) is refused rather than reused.
 */
export async function prepareSocketDir(dir: string): Promise<string> {
  const file = path.join(dir, SOCKET_FILE);
  if (Buffer.byteLength(file) > MAX_SOCKET_PATH_BYTES) {
    throw socketError(SOCKET_ERRORS.pathTooLong, `the socket path ${file} is longer than ${MAX_SOCKET_PATH_BYTES} bytes; set LAMBDA_DOCK_RUNTIME_DIR to a shorter folder`);
  }
  ensurePrivateDir(path.dirname(dir));
  ensurePrivateDir(dir);
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return file;
    throw error;
  }
  if (!stat.isSocket() || stat.uid !== os.userInfo().uid) {
    throw socketError(SOCKET_ERRORS.pathUnsafe, `${file} exists and is not a socket of this user; remove it to let Lambda Dock create one`);
  }
  if (await answers(file)) throw socketError(SOCKET_ERRORS.pathUnsafe, `${file} is a live socket of another process; it is not reused`);
  fs.unlinkSync(file);
  return file;
}

function ensurePrivateDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const stat = fs.lstatSync(dir);
  if (!stat.isDirectory() || stat.uid !== os.userInfo().uid) {
    throw socketError(SOCKET_ERRORS.pathUnsafe, `${dir} is not a folder of this user (a symlink or another owner); remove it`);
  }
  if ((stat.mode & 0o777) !== 0o700) fs.chmodSync(dir, 0o700);
}

function answers(file: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createConnection(file);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

/** Removes a key's socket and folder; missing pieces are fine. */
export function removeSocketDir(dir: string): void {
  fs.rmSync(path.join(dir, SOCKET_FILE), { force: true });
  try {
    fs.rmdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
