import type { SourceRoot } from '../runtime/client/debugSourceRoots';

/**
 * A debugged instance as a debugger sees it: where its inspector is (127.0.0.1 only), how the paths the
 * instance runs map to this machine's, and which files are the runtime client's own.
 */
export interface DebugTarget {
  functionName: string;
  instanceId: string;
  /** Always 127.0.0.1: the inspector runs any code it is sent. */
  address: string;
  port: number;
  /** ws://127.0.0.1:PORT/ID, for inspector-protocol clients that connect directly. */
  webSocketUrl: string;
  /** Where the instance sees its code: /var/task in a container, the code folder itself for a process. */
  remoteRoot: string;
  /** Where the instance sees its layers (/opt in a container, the merged folder for a process); absent without layers. */
  remoteLayersRoot?: string;
  /** The host folder holding exactly the files the instance runs (the packaged code, a bundle's source maps beside it). */
  codeDir?: string;
  /** The host folder holding the merged layers. */
  layersDir?: string;
  /**
   * Where the function's files in the instance come from on this machine, most specific first. The instance
   * names each file it loads by that origin (`//# sourceURL`), so debuggers see this machine's paths.
   */
  sourceRoots: SourceRoot[];
  /** Globs of the runtime client's own files, which a debugger should step over. */
  runtimeFiles: string[];
  /** 'invocation': started for one invocation and ended after it; 'function': debug mode's instance, serving every invocation. */
  scope: 'invocation' | 'function';
}

/** Asks for an invocation (or a function's debug mode) to run on a debugged instance. */
export interface DebugOptions {
  /** The port on 127.0.0.1 the debugger connects to; absent or 0 picks a free one. */
  port?: number;
  /** Called once the instance's inspector listens, before anything of the handler runs. */
  onTarget?: (target: DebugTarget) => void;
}
