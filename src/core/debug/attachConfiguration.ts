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
 * Where the files a debugged instance runs are on this machine, for breakpoints set in the workspace:
 * - code used as it is (a folder, package patterns): the workspace folder itself, so a breakpoint set in
 *   the file the user edits binds to the file the instance loaded;
 * - a bundle (esbuild): the packaged bundle, whose source map (beside it or inline) leads js-debug to the
 *   .ts files of the workspace.
 */
export function localCodeRoot(definition: FunctionDefinition | undefined, target: DebugTarget): string | undefined {
  if (!definition || definition.build?.esbuild) return target.codeDir;
  return definition.build?.sourceDir ?? definition.codeDir ?? target.codeDir;
}

export function attachConfiguration(target: DebugTarget, definition: FunctionDefinition | undefined, name = `Lambda Dock: ${target.functionName}`): AttachConfiguration {
  const localRoot = localCodeRoot(definition, target);
  return {
    type: 'pwa-node',
    request: 'attach',
    name,
    address: target.address,
    port: target.port,
    ...(localRoot
      ? {
          localRoot,
          remoteRoot: target.remoteRoot,
          // js-debug reads source maps only of files these match (by default the workspace's): a bundle lives in
          // the content cache. Knowing them before the code loads, it binds .ts breakpoints before the handler runs.
          outFiles: [`${localRoot}/**/*.{js,mjs,cjs}`, '!**/node_modules/**'],
          resolveSourceMapLocations: [`${localRoot}/**`, `${target.remoteRoot}/**`, '!**/node_modules/**'],
        }
      : {}),
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
