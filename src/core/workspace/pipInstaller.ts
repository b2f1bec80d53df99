import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hostPython, type HostPython } from '../engine/hostPython';
import { PipFailure, pipInstallInto, pipReason } from '../engine/pipFolder';
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
  // Relative entries (-r other.txt, ./package) are relative to the requirements file, as pip reads them from its folder.
  await pipInstallInto(python, ['-r', requirementsFile], dir, path.dirname(requirementsFile), signal).catch((error: unknown) => {
    throw error instanceof PipFailure ? pipFailed(functionName, requirementsFile, error.output) : error;
  });
}

function pipFailed(functionName: string, requirementsFile: string, output: string) {
  return workspaceError(
    WORKSPACE_ERROR_CODES.dependenciesFailed,
    `${functionName}: pip could not install ${requirementsFile}: ${pipReason(output)}. Fix the requirement, or pip's configuration (pip config list) if the package should be reachable.`,
  );
}
