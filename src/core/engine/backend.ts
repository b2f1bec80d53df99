import { EventEmitter } from 'node:events';
import type { InspectorSpec } from './inspector';
import type { RuntimeClientKind } from './officialImageClient';
import type { RelayedConnections } from './relay/runtimeApiRelay';

export const LABELS = {
  function: 'lambda-dock.function',
  session: 'lambda-dock.session',
  deploy: 'lambda-dock.deploy',
  workspace: 'lambda-dock.workspace',
  /** The host that ran the session: a session on another machine is never judged dead from here. */
  host: 'lambda-dock.host',
  instance: 'lambda-dock.instance',
  /** On images Lambda Dock builds (not lambda-dock.session: containers inherit image labels). */
  image: 'lambda-dock.image',
  /** The session's liveness socket: reapStale connects to it to tell a live session from a dead one. */
  sessionSocket: 'lambda-dock.session-socket',
  dockerSocket: 'lambda-dock.io/docker-socket',
  /** On the network instances run on ('instances'): found by it, never by its name, which anyone can take. */
  network: 'lambda-dock.network',
  /** On a session's Runtime API relay (remote engines): not an instance, never listed as one. */
  relay: 'lambda-dock.relay',
  /**
   * On a standby (a generic instance started before its function was known): the file of its session's
   * assignments, which says whose instance it became (labels cannot change after create). See StandbyRecord.
   */
  standby: 'lambda-dock.standby',
} as const;

/** Everything needed to start one instance of a function. */
export interface LaunchSpec {
  instanceId: string;
  functionName: string;
  /** The function's runtime identifier; undefined for image functions. The process backend picks its program by it. */
  runtime?: string;
  deployFingerprint: string;
  workspace: string;
  image: string;
  command?: string[];
  entrypoint?: string[];
  workingDir?: string;
  /** The complete environment, AWS_LAMBDA_RUNTIME_API included. */
  environment: Record<string, string>;
  memorySizeMB: number;
  ephemeralStorageMB: number;
  /** Host folder mounted read-only at /var/task. */
  codeDir?: string;
  /** Host folder (the layers merged in attach order) mounted read-only at /opt. */
  layersDir?: string;
  /** The runtime's AWS SDK (local Node.js image, process backend): the store folder on the host and the set in it. */
  runtimeSdk?: { store: string; id: string };
  /**
   * Our runtime client of this kind, put at officialImageClient's CLIENT_DIR_IN_CONTAINER (read-only bind mount,
   * or uploaded on a remote engine): for images that do not carry it (the official images), whose entrypoint runs it.
   */
  runtimeClient?: RuntimeClientKind;
  /** Host folder holding docker.sock, mounted at /var/run (the folder, so a restarted server is seen). */
  dockerSocketDir?: string;
  /** A debugged instance: the Node.js inspector on 127.0.0.1 only, and the handler held until a debugger releases it. */
  inspector?: InspectorSpec;
}

/** A standby: everything of an instance that does not depend on the function it will serve. */
export interface StandbySpec {
  instanceId: string;
  workspace: string;
  image: string;
  entrypoint?: string[];
  workingDir?: string;
  /** The runtime's, AWS_LAMBDA_RUNTIME_API (its own channel's) and the standby marker; the function's come at assignment. */
  environment: Record<string, string>;
  ephemeralStorageMB: number;
  /** Our client, for images that do not carry it (see LaunchSpec.runtimeClient). */
  runtimeClient?: RuntimeClientKind;
  /** Its memory limit from the start, where the engine cannot change it later (Podman); else a small one, set at assignment. */
  memorySizeMB?: number;
  runtimeSdk?: { store: string; id: string };
  /** An empty private folder mounted at /var/run, where a function's scoped socket appears at assignment. */
  dockerSocketDir?: string;
}

/** Backends that can keep standbys and hand one to a function (see "Standby sandboxes" in ARCHITECTURE.md). */
export interface StandbyBackend {
  /** False where the engine cannot change a running container's memory limit (Podman's Docker API has no update). */
  readonly canUpdateMemory: boolean;
  /** Creates and starts a standby; its Runtime API sees it by address as any instance's. */
  startStandby(spec: StandbySpec): Promise<LaunchedInstance>;
  /**
   * Makes a started standby the function's instance: resolves once its code and layers are at /var/task and
   * /opt and its memory limit is set, with the environment its runtime is to be given (the caller sends it
   * through the standby's Runtime API) and `labelled`, which settles once it has the function's name and
   * record (done meanwhile: nothing the function sees depends on them). A failure removes the standby.
   */
  assignStandby(spec: LaunchSpec): Promise<{ environment: Record<string, string>; labelled: Promise<void> }>;
}

export function canKeepStandbys(backend: LambdaBackend): backend is LambdaBackend & StandbyBackend {
  return typeof (backend as Partial<StandbyBackend>).startStandby === 'function';
}

export interface InstanceExit {
  exitCode: number;
  oomKilled: boolean;
  /** Set when terminate() asked for it: not a crash. */
  requested: boolean;
}

export type OutputStream = 'stdout' | 'stderr';

/**
 * A started instance. Emits 'output' (data: Buffer, stream: OutputStream) for every chunk the runtime
 * writes to stdout or stderr, as it arrives, and 'exit' (InstanceExit) once when it stops, whatever the cause.
 */
export interface LaunchedInstance extends EventEmitter {
  readonly id: string;
  readonly instanceId: string;
  /** Set once it has stopped: an exit can come before anyone listens for 'exit'. */
  readonly exitInfo?: InstanceExit;
  /**
   * Its addresses on its networks, as the engine gave them when it started: with RuntimeApiIdentity
   * 'address', the only sources its Runtime API accepts.
   */
  readonly addresses?: readonly string[];
  /** A debugged container's inspector port as published on 127.0.0.1 (a process's is the one it announces). */
  readonly inspectorPort?: number;
}

/**
 * The base of the backends' instances: output emitted before anyone listens for 'output' is kept and handed
 * to the first listener. A runtime that starts in a millisecond (a compiled bootstrap) writes its init log
 * before launch() has even returned.
 */
export abstract class OutputBufferingInstance extends EventEmitter {
  private early: unknown[][] | undefined = [];

  constructor() {
    super();
    // Listeners of other events (a standby's exit watch) may come first: wait for the first 'output' one.
    const onNewListener = (event: string) => {
      if (event !== 'output') return;
      this.off('newListener', onNewListener);
      // newListener fires before the listener is added; output arrives from I/O callbacks, after this microtask.
      queueMicrotask(() => {
        const early = this.early ?? [];
        this.early = undefined;
        for (const args of early) super.emit('output', ...args);
      });
    };
    this.on('newListener', onNewListener);
  }

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'output' && this.early) {
      this.early.push(args);
      return true;
    }
    return super.emit(event, ...args);
  }
}

/**
 * How an instance's Runtime API tells the instance's own connections from anyone else's:
 * - 'address': only the instance's addresses (LaunchedInstance.addresses), checked on every connection
 *   before a byte of it is read. The instances' network keeps the address from being borrowed.
 * - 'secretPath': a per-instance secret path prefix carried in AWS_LAMBDA_RUNTIME_API (host:port/SECRET);
 *   for child processes on loopback, whose address every local process shares.
 * - 'unverified': this machine cannot see the instances' addresses (an engine in a VM, rootless or on
 *   another machine): every connection that reaches the listener is served, and the log says so once.
 */
export type RuntimeApiIdentity = { kind: 'address' } | { kind: 'secretPath' } | { kind: 'unverified'; reason: string };

/** Where the host's Runtime API must listen so instances reach it, the address they use, and whom it serves. */
export interface ListeningEndpoint {
  bindAddress: string;
  /** Bound instead while bindAddress is not this machine's yet (Podman brings a bridge up with its first container). */
  fallbackBindAddress?: string;
  advertisedHost: string;
  identity: RuntimeApiIdentity;
  relay?: undefined;
}

/** A remote engine's instances cannot reach this machine: their connections come through a relay on the engine. */
export interface RelayEndpoint {
  relay: RelayedConnections;
}

export type RuntimeApiEndpoint = ListeningEndpoint | RelayEndpoint;

export interface PrepullProgress {
  image: string;
  status: string;
  current?: number;
  total?: number;
}

export interface StaleReport {
  containers: string[];
  networks: string[];
  volumes: string[];
}

export interface ContainerLogOptions {
  tail?: number;
  follow?: boolean;
  signal?: AbortSignal;
}

export interface ManagedContainer {
  id: string;
  name: string;
  functionName: string;
  session: string;
  state: string;
  status: string;
  image: string;
  createdAt: Date;
  labels: Record<string, string>;
  /** True when its session is gone. */
  stale: boolean;
}

export interface LambdaBackend {
  /** 'docker', 'podman' or 'process'. */
  readonly name: string;
  /** False for the process backend: the function runs on the host without a container. */
  readonly isolated: boolean;
  /** Where the engine is reached (socket path or URL); empty for the process backend. */
  readonly endpoint: string;
  runtimeApiEndpoint(): Promise<RuntimeApiEndpoint>;
  launch(spec: LaunchSpec): Promise<LaunchedInstance>;
  /** Stops and removes an instance; a second call, or one for an unknown instance, does nothing. */
  terminate(instanceId: string): Promise<void>;
  /** Pulls an image that is missing; never pulls one that is present. Resolves true if it was pulled. */
  prepullImage(image: string, onProgress?: (p: PrepullProgress) => void, signal?: AbortSignal): Promise<boolean>;
  imageExists(image: string): Promise<boolean>;
  /** An instance's peak memory so far, for runtimes that do not report it; undefined when it cannot be read. */
  memoryUsedMB?(instanceId: string): Promise<number | undefined>;
  /**
   * Removes what dead sessions of this project left behind; never a live session's. With `workspaces`, only
   * the dead sessions that ran one of these workspace folders (their containers, networks and volumes).
   */
  reapStale(options?: { workspaces?: readonly string[] }): Promise<StaleReport>;
  /** Every container this project manages, stale ones included. */
  listManaged(): Promise<ManagedContainer[]>;
  /** Stops a managed container and keeps it (stopped); one already stopped or gone is no error. */
  stopContainer(id: string): Promise<void>;
  /** Removes a managed container (and its anonymous volumes); one already gone is no error. */
  removeContainer(id: string): Promise<void>;
  /**
   * A managed container's output as `docker logs` shows it: the last `tail` lines, then with `follow` each
   * new piece as it is written, until the signal aborts or the container stops. Resolves when it ends.
   */
  containerLogs(id: string, options: ContainerLogOptions, onText: (text: string) => void): Promise<void>;
  dispose(): Promise<void>;
}
