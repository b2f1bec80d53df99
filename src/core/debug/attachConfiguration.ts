import type { FunctionDefinition } from '../functions/definition';
import type { DebugTarget } from './debugTarget';

/**
 * A VS Code JavaScript debugger (js-debug) attach configuration for a debugged instance. Shared by the
 * editor, which starts it, and the command line, which prints it for launch.json (launchJsonConfiguration).
 *
 * Safety: js-debug learns the debuggee's pid by evaluating `process.pid` in it, and when an attach session
 * is stopped (VS Code's Stop: disconnect with terminateDebuggee) it kills that pid's process tree ON THIS
 * MACHINE. No attach setting prevents that: `killBehavior` is read by launch sessions only. In a container
 * that pid would be 1 or another small number, an unrelated process of this machine, so a debugged instance
 * answers the debugger's own evaluations of `process.pid` with a pid no process has (runtime/client/
 * debuggerPid.ts). The editor also turns every Stop of its sessions into a detach and ends the instance
 * through the engine (safeStop.ts). The settings below keep js-debug from acting on processes otherwise:
 * no watching for child processes of that pid on this machine, no reconnecting.
 */
export interface AttachConfiguration {
  type: 'pwa-node' | 'node';
  request: 'attach';
  name: string;
  address: string;
  port: number;
  localRoot?: string;
  remoteRoot?: string;
  outFiles?: string[];
  resolveSourceMapLocations?: string[];
  skipFiles: string[];
  sourceMaps: true;
  continueOnAttach: true;
  attachExistingChildren: false;
  autoAttachChildProcesses: false;
  restart: false;
  timeout: number;
  /** Marks the session as a Lambda Dock one: the editor then turns any Stop into a detach (see safeStop). */
  lambdaDockInstance?: string;
  [key: string]: unknown;
}

/**
 * The attach configuration. Code used as it is gets no localRoot/remoteRoot: the instance names every file of
 * its code and layers by the file of this machine it came from (DebugTarget.sourceRoots), so js-debug sees
 * workspace paths for /var/task and for each layer under /opt alike, which its one localRoot/remoteRoot pair
 * cannot say. An esbuild bundle keeps its names (sourceRoots is empty): remoteRoot maps to the packaged
 * bundle, whose source map (beside it or inline) leads to the .ts files; its layers stay unmapped.
 */
export function attachConfiguration(target: DebugTarget, _definition: FunctionDefinition | undefined, name = `Lambda Dock: ${target.functionName}`): AttachConfiguration {
  const named = target.sourceRoots.length > 0;
  const codeOrigin = named ? target.sourceRoots.find(([instancePath]) => instancePath === target.remoteRoot)?.[1] : target.codeDir;
  const origins = named ? target.sourceRoots.map(([, hostPath]) => hostPath) : [...(codeOrigin ? [codeOrigin] : []), target.remoteRoot];
  return {
    type: 'pwa-node',
    request: 'attach',
    name,
    address: target.address,
    port: target.port,
    ...(!named && codeOrigin ? { localRoot: codeOrigin, remoteRoot: target.remoteRoot } : {}),
    // js-debug reads source maps only of files these match (by default the workspace's): a bundle lives in
    // the content cache. Knowing them before the code loads, it binds .ts breakpoints before the handler runs.
    ...(codeOrigin ? { outFiles: [`${codeOrigin}/**/*.{js,mjs,cjs}`, '!**/node_modules/**'] } : {}),
    resolveSourceMapLocations: [...origins.map((origin) => `${origin}/**`), '!**/node_modules/**'],
    skipFiles: ['<node_internals>/**', ...target.runtimeFiles],
    sourceMaps: true,
    continueOnAttach: true,
    attachExistingChildren: false,
    autoAttachChildProcesses: false,
    restart: false,
    timeout: 30_000,
    lambdaDockInstance: target.instanceId,
  };
}

/**
 * The configuration the command line prints for a launch.json, safe for a VS Code without Lambda Dock: the
 * plain `node` type, and no instance marker (no extension acts on it). Its Stop cannot reach a process of
 * this machine because the instance never tells the debugger a pid that one has.
 */
export function launchJsonConfiguration(target: DebugTarget, definition: FunctionDefinition | undefined, name: string): AttachConfiguration {
  const { lambdaDockInstance: _marker, ...configuration } = attachConfiguration(target, definition, name);
  return { ...configuration, type: 'node' };
}
