import type { FunctionDefinition } from '../functions/definition';
import type { DebugTarget } from './debugTarget';

/**
 * A VS Code JavaScript debugger (js-debug) attach configuration for a debugged instance. Shared by the
 * editor, which starts it, and the command line, which prints it for launch.json.
 *
 * Safety: js-debug learns the debuggee's pid by evaluating `process.pid` in it, and when a session is
 * terminated (not disconnected) it kills that pid's process tree ON THIS MACHINE. In a container that pid
 * is 1 (or another container-local pid): killing it here takes the host down. So a session is only ever
 * ended by disconnecting or by its instance ending, and the instance is ended through the engine, never
 * by the debugger. The settings below also keep js-debug from acting on processes at all: no kill on
 * stop, no watching for child processes of that pid on this machine, no reconnecting.
 */
export interface AttachConfiguration {
  type: 'pwa-node';
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
  killBehavior: 'none';
  attachExistingChildren: false;
  autoAttachChildProcesses: false;
  restart: false;
  timeout: number;
  /** Marks the session as a Lambda Dock one: the editor then turns any Stop into a detach (see safeStop). */
  lambdaDockInstance: string;
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
    // --inspect-brk runtimes pause once at their first statement: go on to the breakpoints.
    continueOnAttach: true,
    killBehavior: 'none',
    attachExistingChildren: false,
    autoAttachChildProcesses: false,
    restart: false,
    timeout: 30_000,
    lambdaDockInstance: target.instanceId,
  };
}
