// Lambda's Node.js 18+ runtimes let `import` find packages in the NODE_PATH folders (layers under
// /opt/nodejs, the runtime's AWS SDK in /var/runtime/node_modules), which Node.js itself does only for
// require. A module resolve hook does the same here: a bare specifier that Node.js cannot find from the
// importing file is looked for in each NODE_PATH folder named node_modules, in order; an @aws-sdk package
// waits for the runtime's SDK while it is being installed (see runtimeSdk).
import * as nodeModule from 'node:module';
import { pathToFileURL } from 'node:url';
import { MessageChannel } from 'node:worker_threads';

// The hook runs in Node.js's loader thread, loaded from a data: URL, so it is plain JavaScript in a string.
const HOOK_SOURCE = `
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
let folders = [];
let sdkRoot;
let configured;
export function initialize(data) {
  if (!data.port) {
    folders = data.folders;
    sdkRoot = data.sdkRoot;
    return;
  }
  // Registered before the function was known (a standby): its folders come later, by the port.
  configured = new Promise((resolve) => data.port.once('message', (message) => {
    folders = message.folders;
    sdkRoot = message.sdkRoot;
    data.port.close();
    resolve();
  }));
}
const bare = (specifier) => !/^(\\.{0,2}\\/|[a-zA-Z][a-zA-Z0-9+.-]*:)/.test(specifier) && !specifier.startsWith('#');
async function fromFolders(specifier, context, next) {
  for (const parentURL of folders) {
    try {
      return await next(specifier, { ...context, parentURL });
    } catch {
      // not in this folder
    }
  }
  return undefined;
}
async function sdkInstalled() {
  while (existsSync(sdkRoot + '.installing') && !existsSync(sdkRoot + '/node_modules')) await sleep(100);
  return existsSync(sdkRoot + '/node_modules');
}
export async function resolve(specifier, context, next) {
  await configured;
  try {
    return await next(specifier, context);
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !bare(specifier)) throw error;
    const found = await fromFolders(specifier, context, next);
    if (found) return found;
    if (sdkRoot && /^@(aws-sdk|smithy)\\//.test(specifier) && (await sdkInstalled())) {
      // Launched before the install ended: the set is in the store, not at /var/runtime/node_modules.
      const store = new URL('file://' + sdkRoot + '/node_modules/lambda-dock-node-path.mjs').href;
      if (!folders.includes(store)) folders.push(store);
      const installed = await fromFolders(specifier, context, next);
      if (installed) return installed;
    }
    throw error;
  }
}
`;

type Register = (specifier: string, options: { data: unknown; transferList?: unknown[] }) => void;

const HOOK_URL = `data:text/javascript,${encodeURIComponent(HOOK_SOURCE)}`;

/** A file inside each NODE_PATH folder named node_modules: resolution from it looks in that folder first. */
function folderURLs(nodePath: string | undefined): string[] {
  return (nodePath ?? '')
    .split(':')
    .filter((dir) => /\/node_modules\/?$/.test(dir))
    .map((dir) => pathToFileURL(`${dir.replace(/\/$/, '')}/lambda-dock-node-path.mjs`).href);
}

/** Registers the hook (Node.js 18.19 and 20.6 on); a no-op where Node.js has no module.register. */
export function registerEsmNodePath(nodePath: string | undefined, sdkRoot: string | undefined): void {
  const register = (nodeModule as { register?: Register }).register;
  if (!register) return;
  register(HOOK_URL, { data: { folders: folderURLs(nodePath), sdkRoot } });
}

/**
 * Registers the hook now, before the function is known (a standby: Node.js starts its loader thread, which
 * takes a few hundred ms, while the standby waits), and returns how to give it the function's NODE_PATH
 * and SDK set once they are; until then the hook holds any resolution. Undefined without module.register.
 */
export function preregisterEsmNodePath(): ((nodePath: string | undefined, sdkRoot: string | undefined) => void) | undefined {
  const register = (nodeModule as { register?: Register }).register;
  if (!register) return undefined;
  const { port1, port2 } = new MessageChannel();
  register(HOOK_URL, { data: { port: port2 }, transferList: [port2] });
  // The port must not keep the event loop alive: an empty loop is how a callback handler's invocation ends.
  port1.unref();
  return (nodePath, sdkRoot) => port1.postMessage({ folders: folderURLs(nodePath), sdkRoot });
}
