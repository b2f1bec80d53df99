import * as fs from 'node:fs';
import * as path from 'node:path';
import type Docker from 'dockerode';
import { pythonRuntimeClientPath } from '../paths';
import type { HostPython } from './hostPython';
import { contentTag, ensureImportedImage, envChanges, hostFiles, sharedLibraries, type ImportedImage, type RootFsFile } from './rootFileSystem';

const RECIPE_VERSION = '1';
/** Lambda's own layout: the interpreter under /var/lang, our client in /var/runtime. */
const LANG_ROOT = '/var/lang';

/** Standard-library folders a function does not need: tests, GUIs, build files, installers, installed packages. */
const LEFT_OUT = new Set(['site-packages', 'dist-packages', 'test', 'tests', 'idle_test', 'idlelib', 'tkinter', 'turtledemo', 'ensurepip', 'lib2to3', 'venv', 'pydoc_data']);
const LEFT_OUT_MODULES = /^(_test|_ctypes_test|_tkinter|_xxtestfuzz|_xxsubinterpreters|xxlimited|xxsubtype)/;

/**
 * A Lambda-like Python image made from this machine's Python: the interpreter, its standard library (with its
 * compiled .pyc, whose mtimes the root fs keeps valid), the shared libraries the interpreter and its
 * extension modules link, and our runtime client. No registry involved.
 */
export function localPythonImageTag(python: HostPython, sdk?: string, client = pythonRuntimeClientPath()): string {
  const hash = contentTag(RECIPE_VERSION, [python.executable, python.stdlib, python.dynload], [fs.readFileSync(client), sdk ? path.basename(sdk) : '']);
  return `lambda-dock/python-local:${python.version}-${hash}`;
}

/** `sdk`: the folder pythonRuntimeSdk installed, put in the image's site-packages (see there). */
export function ensureLocalPythonImage(docker: Docker, sessionId: string, python: HostPython, sdk?: string, client = pythonRuntimeClientPath()): Promise<string> {
  return ensureImportedImage(docker, sessionId, localPythonImage(python, sdk, client));
}

function localPythonImage(python: HostPython, sdk: string | undefined, client: string): ImportedImage {
  const lib = `${LANG_ROOT}/lib/python${python.version}`;
  const env = {
    PATH: `${LANG_ROOT}/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin`,
    LD_LIBRARY_PATH: `${LANG_ROOT}/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib`,
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    LAMBDA_TASK_ROOT: '/var/task',
    LAMBDA_RUNTIME_DIR: '/var/runtime',
    PYTHONPATH: '/var/runtime',
  };
  return {
    tag: localPythonImageTag(python, sdk, client),
    kind: 'local-python',
    changes: [...envChanges(env), 'WORKDIR /var/task', `ENTRYPOINT ["${LANG_ROOT}/bin/python3", "/var/runtime/bootstrap.py"]`],
    rootFileSystem: () => {
      const files: RootFsFile[] = [
        { target: `${LANG_ROOT}/bin/python3`, source: python.executable, mode: 0o755 },
        { target: '/var/runtime/bootstrap.py', source: client, mode: 0o644 },
      ];
      const dynload = path.resolve(python.dynload) === path.resolve(python.stdlib, 'lib-dynload');
      for (const file of walk(python.stdlib, dynload)) files.push({ target: `${lib}/${file}`, source: path.join(python.stdlib, file) });
      const modules: string[] = [];
      for (const name of fs.readdirSync(python.dynload)) {
        if (!name.endsWith('.so') || LEFT_OUT_MODULES.test(name)) continue;
        modules.push(path.join(python.dynload, name));
        if (!dynload) files.push({ target: `${lib}/lib-dynload/${name}`, source: path.join(python.dynload, name) });
      }
      files.push(...hostFiles(sharedLibraries([python.executable, ...modules])));
      if (sdk) for (const file of packagesIn(sdk)) files.push({ target: `${lib}/site-packages/${file}`, source: path.join(sdk, file) });
      return { files };
    },
  };
}

/** A `pip install -t` folder's files (relative paths), without its console scripts. */
function packagesIn(root: string): string[] {
  return fs.readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .filter((file) => !file.startsWith('bin/'));
}

/** The standard library's files (relative paths), without what LEFT_OUT names and the optimized .pyc variants. */
function walk(root: string, keepDynload: boolean): string[] {
  const out: string[] = [];
  const visit = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(root, relative), { withFileTypes: true })) {
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (LEFT_OUT.has(entry.name) || entry.name.startsWith('config-') || (!relative && entry.name === 'lib-dynload' && !keepDynload)) continue;
        visit(rel);
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        if (/\.opt-[12]\.pyc$/.test(entry.name) || entry.name.endsWith('.exe')) continue;
        if (relative === 'lib-dynload' && LEFT_OUT_MODULES.test(entry.name)) continue;
        out.push(rel);
      }
    }
  };
  visit('');
  return out;
}
