import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../log';
import { cacheDir } from '../paths';
import type { HostPython } from './hostPython';
import { PipFailure, pipInstallInto, pipReason } from './pipFolder';

/**
 * boto3, which Lambda's Python runtimes carry (a function that imports it without listing it in requirements.txt
 * works on Lambda), for the local Python image (the official images have their own). Installed once per
 * interpreter with the user's pip into cacheDir()/python-runtime-sdk/<id>; the image puts it in its
 * site-packages, last on sys.path as on Lambda, so a function's or a layer's own boto3 wins.
 */
export const PYTHON_RUNTIME_SDK_PACKAGES = ['boto3==1.43.107'];
const RECIPE_VERSION = '1';

export function pythonRuntimeSdkDir(python: HostPython): string {
  const hash = createHash('sha256').update(`${RECIPE_VERSION}\0${python.executable}\0${PYTHON_RUNTIME_SDK_PACKAGES.join('\0')}`).digest('hex').slice(0, 12);
  return path.join(cacheDir(), 'python-runtime-sdk', `python${python.version}-${hash}`);
}

const ensured = new Map<string, Promise<string | undefined>>();

/**
 * The installed folder, installing it first if needed; undefined (with one warning per process) when pip cannot
 * install it: the image is then made without it, and is made again with it once an install succeeds.
 */
export function ensurePythonRuntimeSdk(python: HostPython, log: Logger): Promise<string | undefined> {
  const dir = pythonRuntimeSdkDir(python);
  if (fs.existsSync(dir)) return Promise.resolve(dir);
  let pending = ensured.get(dir);
  if (!pending) {
    log.info(`installing ${PYTHON_RUNTIME_SDK_PACKAGES.join(' ')} for the local Python ${python.version} image, once (Lambda's Python runtimes carry it)`);
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    // One retry per request, not pip's five: where an index in the user's configuration is out of reach (PyPI from
    // a machine with a mirror), five cost about a minute of backoff before the reachable index answers.
    pending = pipInstallInto(python, ['--retries', '1', ...PYTHON_RUNTIME_SDK_PACKAGES], dir, path.dirname(dir)).then(
      () => dir,
      (error: unknown) => {
        const reason = error instanceof PipFailure ? pipReason(error.output) : (error as Error).message;
        log.warn(
          `pip could not install ${PYTHON_RUNTIME_SDK_PACKAGES.join(' ')} for the local Python image (${reason}): a function that imports boto3 without listing it in its requirements.txt fails with "No module named 'boto3'" until it can (check pip config list)`,
        );
        return undefined;
      },
    );
    ensured.set(dir, pending);
  }
  return pending;
}
