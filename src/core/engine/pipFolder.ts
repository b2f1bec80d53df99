import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import type { HostPython } from './hostPython';

/** pip failed: `output` is what it printed (stderr, then stdout). */
export class PipFailure extends Error {
  constructor(readonly output: string) {
    super(output);
  }
}

/**
 * `pip install ARGS -t DIR` with the host's Python and the user's own pip configuration, compiled, then renamed
 * into place whole: DIR exists only once everything is in it. Another process that filled DIR first wins.
 */
export async function pipInstallInto(python: HostPython, pipArgs: readonly string[], dir: string, cwd: string, signal?: AbortSignal): Promise<void> {
  const temp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await run(python.executable, ['-m', 'pip', 'install', '--no-input', '--disable-pip-version-check', '--no-compile', ...pipArgs, '-t', temp], cwd, signal);
    // Compiled once here, checked against nothing: the cache's copies get new mtimes, which would make timestamp
    // .pyc files stale (and /var/task is read-only, so every cold start would compile them again).
    await run(python.executable, ['-m', 'compileall', '-q', '--invalidation-mode', 'unchecked-hash', temp], cwd, signal).catch(() => undefined);
    await fs.promises.rename(temp, dir).catch(async (error: unknown) => {
      if (!fs.existsSync(dir)) throw error; // else another process installed the same packages first
    });
  } finally {
    await fs.promises.rm(temp, { recursive: true, force: true });
  }
}

/** pip's ERROR: lines, joined; else its last line. */
export function pipReason(output: string): string {
  const errors = new Set(output.split('\n').map((line) => line.trim()).filter((line) => line.startsWith('ERROR:')).map((line) => line.slice(6).trim()));
  return errors.size ? [...errors].join('; ') : output.trim().split('\n').slice(-1)[0];
}

/** Runs a command; rejects with a PipFailure holding its output when it fails. */
function run(command: string, args: string[], cwd: string, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, signal, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, PIP_NO_INPUT: '1' } }, (error, stdout, stderr) => {
      if (!error) resolve();
      else reject(new PipFailure(`${String(stderr)}\n${String(stdout)}\n${error.message}`));
    });
  });
}
