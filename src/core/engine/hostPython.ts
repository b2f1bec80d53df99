import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { LambdaDockError } from '../errors';
import { ENGINE_ERRORS } from './errors';

/** This machine's Python 3, as the local Python image and the process backend use it. */
export interface HostPython {
  /** The interpreter itself (pyenv's and other shims resolved). */
  executable: string;
  /** "3.11" */
  version: string;
  /** The pure-Python standard library folder and the one with its extension modules. */
  stdlib: string;
  dynload: string;
}

const PROBE = [
  'import json, os, sys, sysconfig',
  'stdlib = sysconfig.get_paths()["stdlib"]',
  'import _json',
  'dynload = os.path.dirname(getattr(_json, "__file__", "") or os.path.join(sysconfig.get_paths()["platstdlib"], "lib-dynload"))',
  'print(json.dumps({"executable": os.path.realpath(sys.executable), "version": "%d.%d" % sys.version_info[:2], "stdlib": stdlib, "dynload": dynload}))',
].join('\n');

let found: Promise<HostPython> | undefined;

/** The host's python3 ($LAMBDA_DOCK_PYTHON, else python3 on PATH), asked once per process. */
export function hostPython(): Promise<HostPython> {
  found ??= probe(process.env.LAMBDA_DOCK_PYTHON || 'python3');
  found.catch(() => (found = undefined));
  return found;
}

function probe(command: string): Promise<HostPython> {
  return new Promise((resolve, reject) => {
    execFile(command, ['-c', PROBE], { encoding: 'utf8', timeout: 30_000 }, (error, stdout) => {
      if (error) {
        reject(new LambdaDockError(ENGINE_ERRORS.pythonNotFound, `Python functions need Python 3 on this machine (or their official image, public.ecr.aws/lambda/python): '${command} -c ...' failed (${error.message.split('\n')[0]}); install python3 or set LAMBDA_DOCK_PYTHON to an interpreter`));
        return;
      }
      const info = JSON.parse(stdout) as HostPython;
      if (!fs.existsSync(info.executable)) {
        reject(new LambdaDockError(ENGINE_ERRORS.pythonNotFound, `${command} reports its interpreter at ${info.executable}, which does not exist`));
        return;
      }
      resolve(info);
    });
  });
}

/** The Python minor a runtime identifier names: python3.12 -> 3.12. */
export function pythonVersionOf(runtime: string | undefined): string | undefined {
  return /^python(\d+\.\d+)$/.exec(runtime ?? '')?.[1];
}

/** One line for when the function's Python and this machine's differ, else undefined. */
export function pythonMismatchNote(runtime: string, host: HostPython, where: string): string | undefined {
  const wanted = pythonVersionOf(runtime);
  if (!wanted || wanted === host.version) return undefined;
  return `${runtime} functions run ${where} on this machine's Python ${host.version}, not ${wanted}: code or packages that need ${wanted} may behave differently`;
}
