import type { ContainerLogOptions, LambdaBackend, ManagedContainer, StaleReport } from '../../core/engine/backend';
import type { FunctionLogEvent } from '../../core/runtime/functionPool';
import type { ContainerEvent } from '../../core/engine/engineEvents';
import type { DebugTarget } from '../../core/debug/debugTarget';
import type { FunctionDefinition } from '../../core/functions/definition';
import type { DeployReport, FunctionHostOptions } from '../../core/runtime/functionHost';
import type { InvokeOptions, InvokeResult } from '../../core/runtime/invokeResult';
import type { BuildFailure, FunctionInvoker } from '../../core/runtime/invoker';
import type { InstanceSnapshot } from '../../core/runtime/warmInstance';

/**
 * What the extension uses of FunctionHost: the real one, or an honest fake in unit tests. The extension reaches
 * containers only through these methods (its backend is read for its name and endpoint, never driven).
 */
export interface EngineHost extends FunctionInvoker {
  readonly backend: LambdaBackend;
  readonly session: { readonly id: string };
  deploy(definitions: readonly FunctionDefinition[], options?: { prewarm?: boolean; removeMissing?: boolean }): Promise<DeployReport>;
  prewarm(name: string): Promise<void>;
  setBuildFailure(definition: FunctionDefinition, failure: BuildFailure | undefined): void;
  invoke(name: string, payload: Buffer, options?: InvokeOptions): Promise<InvokeResult>;
  functions(): readonly FunctionDefinition[];
  instances(): InstanceSnapshot[];
  /** Debug mode of a function: every invocation runs on one debugged instance ('debugTarget' when it listens). */
  setDebugMode(name: string, options: { port?: number } | undefined): void;
  debugMode(name: string): { port: number } | undefined;
  /** Ends one instance through the engine (how a stopped debug session ends its instance). */
  terminateInstance(instanceId: string, options?: { debugStopped?: boolean }): Promise<void>;
  stopInstance(instanceId: string): Promise<boolean>;
  containers(): Promise<ManagedContainer[]>;
  stopContainer(id: string): Promise<void>;
  removeContainer(id: string): Promise<void>;
  containerLogs(id: string, options: ContainerLogOptions, onText: (text: string) => void): Promise<void>;
  reapStale(options?: { workspaces?: readonly string[] }): Promise<StaleReport>;
  on(event: 'change', listener: () => void): unknown;
  on(event: 'log', listener: (event: FunctionLogEvent) => void): unknown;
  on(event: 'debugTarget', listener: (target: DebugTarget) => void): unknown;
  off(event: 'change', listener: () => void): unknown;
  off(event: 'log', listener: (event: FunctionLogEvent) => void): unknown;
  off(event: 'debugTarget', listener: (target: DebugTarget) => void): unknown;
  dispose(): Promise<void>;
}

export type HostFactory = (options: FunctionHostOptions) => Promise<EngineHost>;

/** A backend that reports engine events (DockerBackend); the process backend has none. */
export interface EventfulBackend {
  onEngineEvent(listener: (event: ContainerEvent) => void): () => void;
}

export function hasEngineEvents(backend: LambdaBackend): backend is LambdaBackend & EventfulBackend {
  return typeof (backend as Partial<EventfulBackend>).onEngineEvent === 'function';
}

export type { ManagedContainer };
