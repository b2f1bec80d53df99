import type { ManagedContainer, LambdaBackend } from '../../core/engine/backend';
import type { ContainerEvent } from '../../core/engine/engineEvents';
import type { FunctionDefinition } from '../../core/functions/definition';
import type { DeployReport, FunctionHostOptions } from '../../core/runtime/functionHost';
import type { InvokeOptions, InvokeResult } from '../../core/runtime/invokeResult';
import type { BuildFailure, FunctionInvoker } from '../../core/runtime/invoker';
import type { InstanceSnapshot } from '../../core/runtime/warmInstance';

/** What the extension uses of FunctionHost: the real one, or an honest fake in unit tests. */
export interface EngineHost extends FunctionInvoker {
  readonly backend: LambdaBackend;
  readonly session: { readonly id: string };
  deploy(definitions: readonly FunctionDefinition[], options?: { prewarm?: boolean; removeMissing?: boolean }): Promise<DeployReport>;
  prewarm(name: string): Promise<void>;
  setBuildFailure(definition: FunctionDefinition, failure: BuildFailure | undefined): void;
  invoke(name: string, payload: Buffer, options?: InvokeOptions): Promise<InvokeResult>;
  functions(): readonly FunctionDefinition[];
  instances(): InstanceSnapshot[];
  on(event: 'change', listener: () => void): unknown;
  off(event: 'change', listener: () => void): unknown;
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
