import type { ManagedContainer } from '../../core/engine/backend';
import type { SourceLocation } from '../../core/functions/definition';
import type { InstanceSnapshot } from '../../core/runtime/warmInstance';
import type { EngineState } from '../engine/hostService';
import type { FunctionDeployState } from '../workspace/deployService';

/** One function as the Functions view shows it: plain data, mapped to tree items by functionNodes. */
export interface FunctionRecord {
  name: string;
  runtime?: string;
  handler?: string;
  image?: string;
  source: SourceLocation;
  state: FunctionDeployState;
  /** Discovery's problems about this function (a missing handler file...). */
  problems: string[];
  /** The API Gateway routes that invoke it (REST and HTTP APIs), in the order the template lists them. */
  routes: RouteRecord[];
  instances: InstanceRecord[];
  /** Every invocation runs on one debugged instance (Toggle Debug Mode). */
  debugMode?: boolean;
}

/** One route of a function as the Functions view shows it and route commands act on it. */
export interface RouteRecord {
  functionName: string;
  method: string;
  /** '/orders/{id}' or '$default'. */
  path: string;
  apiId: string;
  apiKind: 'rest' | 'http';
  stage: string;
}

/** A warm instance as the engine reports it (its deploy fingerprint is not shown). */
export type InstanceRecord = Omit<InstanceSnapshot, 'fingerprint'>;

/** A container as the engine lists it, with what the views need of its labels in place of the labels. */
export interface ContainerRecord extends Omit<ManagedContainer, 'labels' | 'createdAt'> {
  /** Epoch milliseconds. */
  createdAt: number;
  /** Ours: started by this editor's session. */
  ownSession: boolean;
  /** The workspace folder whose session started it (label lambda-dock.workspace); '' when unlabelled. */
  workspace: string;
  instanceId?: string;
  /** It has a scoped Docker socket (label lambda-dock.io/docker-socket=true). */
  hasDockerSocket: boolean;
  /** Created through a scoped socket (label lambda-dock.io/scope). */
  socketScope?: string;
}

export interface FunctionsSnapshot {
  engine: EngineState;
  discovered: boolean;
  functions: FunctionRecord[];
}

export interface ContainersSnapshot {
  engine: EngineState;
  containers: ContainerRecord[];
  /** This window's folders: their containers are shown; other workspaces' only with showOtherWorkspaces. */
  workspaces: string[];
  showOtherWorkspaces: boolean;
  /** Why the list could not be read, if it could not. */
  error?: string;
}
