// The runtime's AWS SDK as the instance sees it (see engine/runtimeSdk on the host): a folder that may still be
// being installed when the function first needs it. A require or import of an @aws-sdk package that is not
// found waits for that install instead of failing; when the install failed, the error says why and what to do.
// Bundled into the client that runs inside an instance: Node.js built-ins only.
/* eslint-disable @typescript-eslint/no-require-imports */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The set's folder without its trailing /node_modules ('<store>/<id>'), from the host; unset where none is provided. */
export function runtimeSdkRoot(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.LAMBDA_DOCK_RUNTIME_SDK || undefined;
}

/** '@aws-sdk/client-s3/dist-cjs/x' -> '@aws-sdk/client-s3'; undefined for anything the runtime's SDK does not hold. */
export function runtimeSdkPackage(specifier: string): string | undefined {
  const match = /^(@aws-sdk|@smithy)\/[^/]+/.exec(specifier);
  return match?.[0];
}

/** The package a "Cannot find module/package 'x'" error is about. */
export function missingPackageOf(error: unknown): string | undefined {
  const message = (error as Error | undefined)?.message ?? '';
  const match = /Cannot find (?:module|package) '([^']+)'/.exec(message);
  return match ? (runtimeSdkPackage(match[1]) ?? match[1]) : undefined;
}

type SdkState = 'ready' | 'installing' | 'failed' | 'absent';

function stateOf(root: string): SdkState {
  if (fs.existsSync(path.join(root, 'node_modules'))) return 'ready';
  if (fs.existsSync(`${root}.installing`)) return 'installing';
  if (fs.existsSync(`${root}.failed`)) return 'failed';
  return 'absent';
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks (require is synchronous) while the SDK is being installed; true when it is there now. */
export function waitForRuntimeSdkSync(root: string): boolean {
  let announced = false;
  for (let state = stateOf(root); state === 'installing'; state = stateOf(root)) {
    if (!announced) {
      announced = true;
      process.stderr.write("lambda-dock: waiting for the runtime's AWS SDK to finish installing (first use only)\n");
    }
    Atomics.wait(sleeper, 0, 0, 100);
  }
  return stateOf(root) === 'ready';
}

/**
 * What to add to a "cannot find" error about an @aws-sdk package: why the runtime's SDK does not have it
 * and the fix. Undefined when the error is about something else or the SDK is not provided here.
 */
export function runtimeSdkHint(missing: string | undefined, root = runtimeSdkRoot()): string | undefined {
  const pkg = missing && runtimeSdkPackage(missing);
  if (!pkg || !root) return undefined;
  const state = stateOf(root);
  if (state === 'failed') {
    const reason = readText(`${root}.failed`).trim();
    return `Lambda's runtime provides the AWS SDK; Lambda Dock installs the same from the npm registry, but that install failed${reason ? ` (${reason})` : ''}. Let npm reach its registry (the SDK is installed once and cached), or add ${pkg} to the function's dependencies.`;
  }
  if (state === 'ready' && !fs.existsSync(path.join(root, 'node_modules', pkg))) {
    return `Lambda Dock provides the runtime's AWS SDK with its common clients only, and ${pkg} is not one of them: add it to the function's dependencies (npm install ${pkg}).`;
  }
  return undefined;
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

interface ModuleInternals {
  _resolveFilename: (request: string, ...rest: unknown[]) => string;
  _initPaths: () => void;
}

/**
 * Makes require() of an @aws-sdk package wait for an install in progress instead of failing, then find it in
 * the store: an instance launched before the install ended has nothing at /var/runtime/node_modules.
 */
export function waitForRuntimeSdkOnRequire(root: string): void {
  const Module = require('node:module') as ModuleInternals;
  const resolve = Module._resolveFilename;
  let searched = false;
  Module._resolveFilename = function (request: string, ...rest: unknown[]): string {
    try {
      return resolve.call(this, request, ...rest);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND' || !runtimeSdkPackage(request) || searched || !waitForRuntimeSdkSync(root)) throw error;
      searched = true;
      searchAfterNodePath(Module, path.join(root, 'node_modules'));
      return resolve.call(this, request, ...rest);
    }
  };
}

/** Adds a folder after NODE_PATH's for require(); the NODE_PATH the function sees is left as it was. */
function searchAfterNodePath(Module: ModuleInternals, folder: string): void {
  const nodePath = process.env.NODE_PATH;
  process.env.NODE_PATH = nodePath ? `${nodePath}${path.delimiter}${folder}` : folder;
  try {
    Module._initPaths();
  } finally {
    if (nodePath === undefined) delete process.env.NODE_PATH;
    else process.env.NODE_PATH = nodePath;
  }
}
