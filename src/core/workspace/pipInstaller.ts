import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hostPython, type HostPython } from '../engine/hostPython';
import { cacheDir } from '../paths';
import { WORKSPACE_ERROR_CODES, workspaceError } from './errors';

export interface InstalledRequirements {
  /** cacheDir()/pip/<hash>: the packages, as `pip install -t` lays them out; never changes once written. */
  dir: string;
  /** False when the same requirements were already installed. */
  installed: boolean;
  durationMs: number;
}

const installing = new Map<string, Promise<InstalledRequirements>>();

/**
 * `pip install -r requirements.txt -t DIR` with the host's Python and the user's own pip configuration, as
 * `sam build` does, cached by the file's content (and the interpreter): a save that leaves it alone costs nothing.
 */
export function installRequirements(functionName: string, requirementsFile: string, signal?: AbortSignal): Promise<InstalledRequirements> {
  const started = performance.now();
  return hostPython().then((python) => {
    const key = createHash('sha256').update(`${python.executable}\0${python.version}\0`).update(fs.readFileSync(requirementsFile)).digest('hex').slice(0, 32);
    const dir = path.join(cacheDir(), 'pip', key);
    if (fs.existsSync(dir)) return { dir, installed: false, durationMs: performance.now() - started };
    let pending = installing.get(dir);
    if (!pending) {
      pending = install(functionName, python, requirementsFile, dir, signal).then(() => ({ dir, installed: true, durationMs: performance.now() - started }));
      installing.set(dir, pending);
      void pending.finally(() => installing.delete(dir)).catch(() => undefined);
    }
    return pending;
  });
}

async function install(functionName: string, python: HostPython, requirementsFile: string, dir: string, signal?: AbortSignal): Promise<void> {
  const temp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  // Relative entries (-r other.txt, ./package) are relative to the requirements file, as pip reads them from its folder.
  const cwd = path.dirname(requirementsFile);
  try {
    await run(python.executable, ['-m', 'pip', 'install', '--no-input', '--disable-pip-version-check', '--no-compile', '-r', requirementsFile, '-t', temp], cwd, signal).catch((error: Error) => {
      throw pipFailed(functionName, requirementsFile, error.message);
    });
    // Compiled once here, checked against nothing: the cache's copies get new mtimes, which would make timestamp
    // .pyc files stale (and /var/task is read-only, so every cold start would compile them again).
    await run(python.executable, ['-m', 'compileall', '-q', '--invalidation-mode', 'unchecked-hash', temp], cwd, signal).catch(() => undefined);
    await fs.promises.rename(temp, dir).catch(async (error: unknown) => {
      if (!fs.existsSync(dir)) throw error; // else another process installed the same requirements first
    });
  } finally {
    await fs.promises.rm(temp, { recursive: true, force: true });
  }
}

/** Runs a command; rejects with an error whose message is its output (stderr then stdout) when it fails. */
function run(command: string, args: string[], cwd: string, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, signal, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, PIP_NO_INPUT: '1' } }, (error, stdout, stderr) => {
      if (!error) resolve();
      else reject(new Error(`${String(stderr)}\n${String(stdout)}\n${error.message}`));
    });
  });
}

function pipFailed(functionName: string, requirementsFile: string, output: string) {
  const errors = new Set(output.split('\n').map((line) => line.trim()).filter((line) => line.startsWith('ERROR:')).map((line) => line.slice(6).trim()));
  const reason = errors.size ? [...errors].join('; ') : output.trim().split('\n').slice(-1)[0];
  return workspaceError(
    WORKSPACE_ERROR_CODES.dependenciesFailed,
    `${functionName}: pip could not install ${requirementsFile}: ${reason}. Fix the requirement, or pip's configuration (pip config list) if the package should be reachable.`,
  );
}
