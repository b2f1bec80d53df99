import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import Docker from 'dockerode';
import * as tarFs from 'tar-fs';
import * as tar from 'tar-stream';
import { pythonRuntimeClientPath, runtimeClientPath } from '../paths';
import { errorMessage, LambdaDockError } from '../errors';
import { silentLogger, type Logger } from '../log';
import { debugPreloadPath } from '../paths';
import { staleInWorkspaces } from './workspaceContainers';
import {
  LABELS,
  OutputBufferingInstance,
  type InstanceExit,
  type LambdaBackend,
  type LaunchedInstance,
  type LaunchSpec,
  type ContainerLogOptions,
  type ManagedContainer,
  type OutputStream,
  type PrepullProgress,
  type RuntimeApiEndpoint,
  type StaleReport,
  type StandbyBackend,
  type StandbySpec,
} from './backend';
import type { EngineSelection } from './detect';
import { closeEngineClient, createEngineClient } from './engineClient';
import { EngineEvents, type ContainerEvent } from './engineEvents';
import { ENGINE_ERRORS, ignoreMissing, imageUnavailable } from './errors';
import { ensureInstanceNetwork, type InstanceNetwork } from './instanceNetwork';
import type { HostPython } from './hostPython';
import { chooseRuntimeApiEndpoint } from './runtimeApiEndpoint';
import { CONTAINER_INSPECTOR_PORT, DEBUG_PRELOAD_IN_CONTAINER, inspectorEnvironment } from './inspector';
import { ensureLocalCustomRuntimeImage } from './localCustomRuntimeImage';
import { ensureLocalNodeImage, localImageSource } from './localNodeImage';
import { ensureLocalPythonImage } from './localPythonImage';
import { ensurePythonRuntimeSdk } from './pythonRuntimeSdk';
import { majorOf } from './nodeBinaries';
import { CLIENT_DIR_IN_CONTAINER, runtimeClientInContainer, type ImageConfig, type RuntimeClientKind } from './officialImageClient';
import { RUNTIME_SDK_IN_IMAGE, RUNTIME_SDK_MOUNT, runtimeSdkPaths } from './runtimeSdk';
import { followProgress } from './progress';
import { RuntimeApiRelay } from './relay/runtimeApiRelay';
import { Session } from './session';
import { linkTree, makeStandbyFolders, removeStandbyFolders, standbyFolders, type StandbyFolders } from './standbyFolders';
import { StandbyRecord } from './standbyRecord';

/** The memory limit a standby starts with; its function's is set at assignment (`docker update`). */
const STANDBY_MEMORY_MB = 128;

class DockerInstance extends OutputBufferingInstance implements LaunchedInstance {
  terminateRequested = false;
  /** The removal under way, which every terminate of this instance waits for. */
  termination?: Promise<void>;
  addresses?: readonly string[];
  oomKilled = false;
  /** The cgroup file its peak memory is read from: unset until looked for, null when there is none. */
  peakMemoryFile?: string | null;
  inspectorPort?: number;
  constructor(
    readonly id: string,
    readonly instanceId: string,
  ) {
    super();
  }

  exitInfo?: InstanceExit;

  exit(exit: Omit<InstanceExit, 'requested'>): void {
    if (this.exitInfo) return;
    this.exitInfo = { ...exit, oomKilled: exit.oomKilled || this.oomKilled, requested: this.terminateRequested };
    this.emit('exit', this.exitInfo);
  }
}

/** The Docker and Podman backend: every operation through the Engine API (dockerode), no CLI processes. */
export class DockerBackend implements LambdaBackend, StandbyBackend {
  readonly isolated = true;
  /** Standbys not assigned yet: their code folders (bind-mounted) and the memory limit they run with. */
  private readonly standbys = new Map<string, { folders?: StandbyFolders; memoryMB: number }>();
  /** Folders of standbys that were assigned, removed with their instance. */
  private readonly assignedFolders = new Map<string, StandbyFolders>();
  private standbyRecordFile?: StandbyRecord;
  private readonly instances = new Map<string, DockerInstance>();
  private readonly byContainer = new Map<string, DockerInstance>();
  private readonly events: EngineEvents;
  private endpointPromise?: Promise<RuntimeApiEndpoint>;
  private networkPromise?: Promise<InstanceNetwork>;
  /** A remote engine's Runtime API relay, started with the first instance. */
  private relayPromise?: Promise<RuntimeApiRelay>;

  private constructor(
    readonly docker: Docker,
    readonly selection: EngineSelection,
    readonly session: Session,
    private readonly log: Logger,
  ) {
    this.events = new EngineEvents(docker, [`${LABELS.session}=${session.id}`]);
    this.events.on('container', (event: ContainerEvent) => this.onContainerEvent(event));
  }

  static async connect(selection: EngineSelection, session: Session, log: Logger = silentLogger): Promise<DockerBackend> {
    const backend = new DockerBackend(createEngineClient(selection.address), selection, session, log);
    await backend.events.start();
    return backend;
  }

  get name(): string {
    return this.selection.kind;
  }

  get endpoint(): string {
    return this.selection.endpoint;
  }

  /** Engine events for the project's containers (the editor's trees refresh on them). */
  onEngineEvent(listener: (event: ContainerEvent) => void): () => void {
    this.events.on('container', listener);
    return () => this.events.off('container', listener);
  }

  /** Host folders can be bind-mounted only when the engine runs on this machine (see EngineSelection.remote). */
  get canBindHostPaths(): boolean {
    return !this.selection.remote;
  }

  /** The local image for a Node.js major (by default the host's): built on first use, see localNodeImage. */
  async localNodeImage(major = majorOf(process.versions.node), log: Logger = silentLogger): Promise<string> {
    return ensureLocalNodeImage(this.docker, this.session.id, await localImageSource(major, log));
  }

  /** The local image for the host's Python, with the boto3 Lambda's Python runtimes carry once pip could install it. */
  async localPythonImage(python: HostPython, log: Logger = silentLogger): Promise<string> {
    return ensureLocalPythonImage(this.docker, this.session.id, python, await ensurePythonRuntimeSdk(python, log));
  }

  /** The local custom-runtime image, with the shared libraries this bootstrap (a host file) links. */
  localCustomRuntimeImage(bootstrap: string | undefined): Promise<string> {
    return ensureLocalCustomRuntimeImage(this.docker, this.session.id, bootstrap);
  }

  runtimeApiEndpoint(): Promise<RuntimeApiEndpoint> {
    this.endpointPromise ??= this.canBindHostPaths ? this.findRuntimeApiEndpoint() : this.startRelay().then((relay) => ({ relay }));
    // A relay that failed to start is tried again by the next launch, not remembered as failed.
    this.endpointPromise.catch(() => (this.endpointPromise = undefined));
    return this.endpointPromise;
  }

  /** The labels that tie a container, network or volume to this session (reapStale reads them). */
  private sessionLabels(): Record<string, string> {
    return { [LABELS.session]: this.session.id, [LABELS.sessionSocket]: this.session.livenessSocket, [LABELS.host]: Session.hostname };
  }

  private startRelay(): Promise<RuntimeApiRelay> {
    this.relayPromise ??= (async () => {
      const image = await this.localNodeImage(undefined, this.log);
      const relay = await RuntimeApiRelay.start(this.docker, {
        image,
        sessionId: this.session.id,
        labels: { ...this.sessionLabels(), [LABELS.relay]: 'true' },
        log: this.log,
      });
      this.log.info(`[engine] the engine is remote: instances reach the Runtime API through relay ${relay.address} on network ${relay.networkName}`);
      return relay;
    })();
    this.relayPromise.catch(() => (this.relayPromise = undefined));
    return this.relayPromise;
  }

  async launch(spec: LaunchSpec): Promise<LaunchedInstance> {
    const bind = this.canBindHostPaths;
    const binds: string[] = [];
    if (bind && spec.codeDir) binds.push(`${spec.codeDir}:/var/task:ro`);
    if (bind && spec.layersDir) binds.push(`${spec.layersDir}:/opt:ro`);
    if (spec.dockerSocketDir) binds.push(`${spec.dockerSocketDir}:/var/run`);
    if (bind && spec.runtimeClient) binds.push(`${runtimeClientOnHost(spec.runtimeClient)}:${runtimeClientInContainer(spec.runtimeClient)}:ro`);
    // The inspector runs any code it is sent: published on the host's loopback only, never on other addresses.
    const inspectorPort = `${CONTAINER_INSPECTOR_PORT}/tcp`;
    if (spec.inspector && !bind) throw debugNeedsLocalEngine(spec, this.selection.endpoint);
    const environment = spec.inspector ? inspectorEnvironment(spec.inspector, `0.0.0.0:${CONTAINER_INSPECTOR_PORT}`, spec.environment) : { ...spec.environment };
    if (spec.inspector?.via === 'preload') binds.push(`${debugPreloadPath()}:${DEBUG_PRELOAD_IN_CONTAINER}:ro`);
    if (bind && spec.runtimeSdk) {
      const installed = runtimeSdkPaths(spec.runtimeSdk.store, spec.runtimeSdk.id).nodeModules;
      if (fs.existsSync(installed)) binds.push(`${installed}:${RUNTIME_SDK_IN_IMAGE}:ro`);
      binds.push(`${spec.runtimeSdk.store}:${RUNTIME_SDK_MOUNT}:ro`);
      environment.LAMBDA_DOCK_RUNTIME_SDK = `${RUNTIME_SDK_MOUNT}/${spec.runtimeSdk.id}`;
    }
    const relay = bind ? undefined : await this.startRelay();
    const labels: Record<string, string> = {
      [LABELS.function]: spec.functionName,
      ...this.sessionLabels(),
      [LABELS.deploy]: spec.deployFingerprint,
      [LABELS.workspace]: spec.workspace,
      [LABELS.instance]: spec.instanceId,
    };
    if (spec.dockerSocketDir) labels[LABELS.dockerSocket] = 'true';
    const memoryBytes = spec.memorySizeMB * 1024 * 1024;

    let container: Docker.Container;
    let network: Pick<InstanceNetwork, 'name'>;
    try {
      network = relay ? { name: relay.networkName } : await this.instanceNetwork();
      container = await this.createContainer(relay ? undefined : (network as InstanceNetwork), {
        name: instanceName(spec.functionName, spec.instanceId),
        Image: spec.image,
        Cmd: spec.command,
        Entrypoint: spec.entrypoint,
        WorkingDir: spec.workingDir,
        Env: Object.entries(environment).map(([k, v]) => `${k}=${v}`),
        Labels: labels,
        AttachStdout: true,
        AttachStderr: true,
        ...(spec.inspector ? { ExposedPorts: { [inspectorPort]: {} } } : {}),
        HostConfig: {
          ...this.instanceHostConfig({ memoryBytes, ephemeralStorageMB: spec.ephemeralStorageMB, binds, relayNetwork: relay?.networkName }),
          ...(spec.inspector ? { PortBindings: { [inspectorPort]: [{ HostIp: '127.0.0.1', HostPort: spec.inspector.hostPort ? String(spec.inspector.hostPort) : '' }] } } : {}),
        },
      });
    } catch (error) {
      throw launchFailed(spec, error);
    }

    const instance = new DockerInstance(container.id, spec.instanceId);
    this.instances.set(spec.instanceId, instance);
    this.byContainer.set(container.id, instance);
    try {
      if (!bind) await this.uploadCode(container, spec);
      const stream = (await container.attach({ stream: true, stdout: true, stderr: true })) as NodeJS.ReadableStream;
      this.docker.modem.demuxStream(stream, outputSink(instance, 'stdout'), outputSink(instance, 'stderr'));
      await container.start();
      const addresses = await this.addressesOf(container, network.name);
      instance.addresses = addresses;
      relay?.admit(spec.instanceId, addresses);
      if (spec.inspector) instance.inspectorPort = await publishedPort(container, inspectorPort);
    } catch (error) {
      await this.terminate(spec.instanceId);
      throw launchFailed(spec, error);
    }
    return instance;
  }

  /** What every instance's container gets, standby or not. */
  private instanceHostConfig(options: { memoryBytes: number; ephemeralStorageMB: number; binds: string[]; relayNetwork?: string }): Docker.HostConfig {
    const podman = this.selection.kind === 'podman';
    return {
      // Without NET_RAW an instance cannot forge packets or ARP answers: it cannot borrow another's address.
      CapDrop: ['NET_RAW'],
      Memory: options.memoryBytes,
      MemorySwap: options.memoryBytes,
      Tmpfs: { '/tmp': `rw,exec,size=${options.ephemeralStorageMB}m` },
      Binds: options.binds,
      // On a remote engine the code is uploaded into the container (before it starts, or at a standby's assignment).
      ReadonlyRootfs: this.canBindHostPaths,
      // Remote: the session's own network, where its relay is (the instance's address there is its identity).
      ...(options.relayNetwork ? { NetworkMode: options.relayNetwork } : {}),
      ExtraHosts: podman ? [] : ['host.docker.internal:host-gateway'],
      // Lambda's own limit; Podman also fails to start containers that inherit this host's higher limits.
      Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 1024 }, ...(podman ? [{ Name: 'nproc', Soft: 1024, Hard: 1024 }] : [])],
    };
  }

  get canUpdateMemory(): boolean {
    return this.selection.kind !== 'podman';
  }

  private get standbyRecord(): StandbyRecord {
    this.standbyRecordFile ??= StandbyRecord.forSession(this.session.id);
    return this.standbyRecordFile;
  }

  /**
   * A standby: the session's labels plus the standby label (and its workspace and instance id), a tmpfs
   * /tmp, a read-only root, its empty code folders mounted (locally), and the runtime client waiting for
   * its assignment on its own Runtime API. Started, and its address admitted, as any instance.
   */
  async startStandby(spec: StandbySpec): Promise<LaunchedInstance> {
    const bind = this.canBindHostPaths;
    const folders = bind ? standbyFolders(this.session.id, spec.instanceId) : undefined;
    const binds: string[] = [];
    const environment = { ...spec.environment };
    if (folders) {
      makeStandbyFolders(folders);
      binds.push(`${folders.task}:/var/task:ro`, `${folders.opt}:/opt:ro`);
    }
    if (spec.dockerSocketDir) binds.push(`${spec.dockerSocketDir}:/var/run`);
    if (bind && spec.runtimeClient) binds.push(`${runtimeClientOnHost(spec.runtimeClient)}:${runtimeClientInContainer(spec.runtimeClient)}:ro`);
    if (bind && spec.runtimeSdk) {
      const installed = runtimeSdkPaths(spec.runtimeSdk.store, spec.runtimeSdk.id).nodeModules;
      if (fs.existsSync(installed)) binds.push(`${installed}:${RUNTIME_SDK_IN_IMAGE}:ro`);
      binds.push(`${spec.runtimeSdk.store}:${RUNTIME_SDK_MOUNT}:ro`);
    }
    const relay = bind ? undefined : await this.startRelay();
    const memoryMB = spec.memorySizeMB ?? STANDBY_MEMORY_MB;
    const labels: Record<string, string> = {
      ...this.sessionLabels(),
      [LABELS.workspace]: spec.workspace,
      [LABELS.instance]: spec.instanceId,
      [LABELS.standby]: this.standbyRecord.file,
    };
    const failed = (error: unknown) =>
      new LambdaDockError(ENGINE_ERRORS.launchFailed, `Could not start a standby of ${spec.image}: ${(error as { json?: { message?: string } }).json?.message ?? errorMessage(error)}`, { cause: error });
    let container: Docker.Container;
    let network: Pick<InstanceNetwork, 'name'>;
    try {
      network = relay ? { name: relay.networkName } : await this.instanceNetwork();
      container = await this.createContainer(relay ? undefined : (network as InstanceNetwork), {
        name: `lambda-dock-standby-${spec.instanceId}`,
        Image: spec.image,
        Entrypoint: spec.entrypoint,
        WorkingDir: spec.workingDir,
        Env: Object.entries(environment).map(([k, v]) => `${k}=${v}`),
        Labels: labels,
        AttachStdout: true,
        AttachStderr: true,
        HostConfig: this.instanceHostConfig({ memoryBytes: memoryMB * 1024 * 1024, ephemeralStorageMB: spec.ephemeralStorageMB, binds, relayNetwork: relay?.networkName }),
      });
    } catch (error) {
      if (folders) removeStandbyFolders(folders);
      throw failed(error);
    }
    const instance = new DockerInstance(container.id, spec.instanceId);
    this.instances.set(spec.instanceId, instance);
    this.byContainer.set(container.id, instance);
    this.standbys.set(spec.instanceId, { folders, memoryMB });
    try {
      if (!bind && spec.runtimeClient) await container.putArchive(runtimeClientArchive(spec.runtimeClient), { path: path.posix.dirname(CLIENT_DIR_IN_CONTAINER) });
      const stream = (await container.attach({ stream: true, stdout: true, stderr: true })) as NodeJS.ReadableStream;
      this.docker.modem.demuxStream(stream, outputSink(instance, 'stdout'), outputSink(instance, 'stderr'));
      await container.start();
      const addresses = await this.addressesOf(container, network.name);
      instance.addresses = addresses;
      relay?.admit(spec.instanceId, addresses);
    } catch (error) {
      await this.terminate(spec.instanceId);
      throw failed(error);
    }
    return instance;
  }

  /** The standby's code and layers in place, its memory limit, its name and its record: then its runtime may be told. */
  async assignStandby(spec: LaunchSpec): Promise<{ environment: Record<string, string>; labelled: Promise<void> }> {
    const standby = this.standbys.get(spec.instanceId);
    const instance = this.instances.get(spec.instanceId);
    if (!standby || !instance) throw new Error(`${spec.instanceId} is not a standby of this session`);
    this.standbys.delete(spec.instanceId);
    if (standby.folders) this.assignedFolders.set(spec.instanceId, standby.folders);
    const container = this.docker.getContainer(instance.id);
    const memoryBytes = spec.memorySizeMB * 1024 * 1024;
    const failed = async (error: unknown) => {
      await this.terminate(spec.instanceId);
      throw launchFailed(spec, error);
    };
    const labels: Record<string, string> = { [LABELS.function]: spec.functionName, [LABELS.deploy]: spec.deployFingerprint };
    if (spec.dockerSocketDir) labels[LABELS.dockerSocket] = 'true';
    this.standbyRecord.set(spec.instanceId, labels);
    const labelled = container.rename({ name: instanceName(spec.functionName, spec.instanceId) }).then(() => undefined, failed);
    labelled.catch(() => undefined);
    try {
      await Promise.all([
        // Our client (runtimeClient) went in when the standby was made.
        standby.folders ? this.linkCode(standby.folders, spec) : this.uploadCode(container, { ...spec, runtimeClient: undefined }),
        spec.memorySizeMB === standby.memoryMB ? undefined : container.update({ Memory: memoryBytes, MemorySwap: memoryBytes }),
      ]);
    } catch (error) {
      await failed(error);
    }
    const environment = { ...spec.environment };
    if (standby.folders && spec.runtimeSdk) environment.LAMBDA_DOCK_RUNTIME_SDK = `${RUNTIME_SDK_MOUNT}/${spec.runtimeSdk.id}`;
    return { environment, labelled };
  }

  private async linkCode(folders: StandbyFolders, spec: LaunchSpec): Promise<void> {
    await Promise.all([spec.codeDir ? linkTree(spec.codeDir, folders.task) : undefined, spec.layersDir ? linkTree(spec.layersDir, folders.opt) : undefined]);
  }

  /** The instances' network, made once per backend; made again if it went (a `docker network prune`). */
  private instanceNetwork(): Promise<InstanceNetwork> {
    this.networkPromise ??= ensureInstanceNetwork(this.docker, { isolateMembers: this.selection.kind !== 'podman' }).catch((error: unknown) => {
      this.networkPromise = undefined;
      throw error;
    });
    return this.networkPromise;
  }

  /** On the instances' network (or, without one, as the options say: a remote engine's session network). */
  private async createContainer(network: InstanceNetwork | undefined, options: Docker.ContainerCreateOptions): Promise<Docker.Container> {
    if (!network) return this.docker.createContainer(options);
    const create = (on: InstanceNetwork) => this.docker.createContainer({ ...options, HostConfig: { ...options.HostConfig, NetworkMode: on.name } });
    try {
      return await create(network);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404 || !/network/i.test(errorMessage(error))) throw error;
      this.networkPromise = undefined;
      return create(await this.instanceNetwork());
    }
  }

  /**
   * The addresses the engine gave a started instance, which its Runtime API will serve and no other.
   * An instance that already stopped has none (its exit is reported as usual); a running one must have one.
   */
  private async addressesOf(container: Docker.Container, networkName: string): Promise<string[]> {
    const info = await container.inspect();
    const settings = info.NetworkSettings.Networks?.[networkName] as { IPAddress?: string; GlobalIPv6Address?: string } | undefined;
    const addresses = [settings?.IPAddress, settings?.GlobalIPv6Address].filter((a): a is string => Boolean(a));
    if (addresses.length === 0 && info.State.Running) throw new Error(`the engine gave it no address on the network ${networkName}`);
    return addresses;
  }

  /**
   * Removes an instance's container. Idempotent: a second call while the first runs (the pool retiring a lost
   * instance while the editor stops it) waits for the same removal instead of returning while the container
   * still exists (the engine answers 409 to a second remove in progress).
   */
  terminate(instanceId: string): Promise<void> {
    const instance = this.instances.get(instanceId);
    if (!instance) return Promise.resolve();
    instance.termination ??= this.remove(instanceId, instance);
    return instance.termination;
  }

  private async remove(instanceId: string, instance: DockerInstance): Promise<void> {
    instance.terminateRequested = true;
    (await this.relayPromise?.catch(() => undefined))?.revoke(instanceId);
    await this.docker.getContainer(instance.id).remove({ force: true, v: true }).catch(ignoreMissing);
    instance.exit({ exitCode: 137, oomKilled: false });
    this.forget(instance);
    const folders = this.standbys.get(instanceId)?.folders ?? this.assignedFolders.get(instanceId);
    this.standbys.delete(instanceId);
    this.assignedFolders.delete(instanceId);
    if (folders) removeStandbyFolders(folders);
    this.standbyRecordFile?.delete(instanceId);
  }

  /**
   * Peak memory of an instance whose runtime does not report it (the official images' client), read from
   * its cgroup on this machine: the engine's stats call takes 200 ms or more, too slow for every invoke.
   * A remote engine's cgroups are not here: its stats, asked for one sample.
   */
  async memoryUsedMB(instanceId: string): Promise<number | undefined> {
    const instance = this.instances.get(instanceId);
    if (!instance) return undefined;
    if (!this.canBindHostPaths) return this.statsMemoryMB(instance.id);
    if (instance.peakMemoryFile === null) return undefined;
    if (instance.peakMemoryFile) return readPeakMemoryMB(instance.peakMemoryFile).catch(() => undefined);
    // The first time: find which engine's and cgroup version's layout this container's is, and remember it.
    for (const file of cgroupPeakMemoryFiles(instance.id)) {
      try {
        const used = await readPeakMemoryMB(file);
        instance.peakMemoryFile = file;
        return used;
      } catch {
        // not this engine's or this cgroup version's layout
      }
    }
    instance.peakMemoryFile = null;
    return undefined;
  }

  private async statsMemoryMB(containerId: string): Promise<number | undefined> {
    const stats = (await this.docker.getContainer(containerId).stats({ stream: false, 'one-shot': true } as { stream: false })) as {
      memory_stats?: { max_usage?: number; usage?: number };
    };
    // cgroup v1 keeps the peak; v2 engines report only the current usage, the best there is.
    const bytes = stats.memory_stats?.max_usage ?? stats.memory_stats?.usage;
    return bytes ? Math.ceil(bytes / (1024 * 1024)) : undefined;
  }

  /** The image's entrypoint and environment as the engine has them (the image must be present). */
  async imageConfig(image: string): Promise<ImageConfig> {
    const info = await this.docker.getImage(image).inspect();
    return { entrypoint: info.Config?.Entrypoint, env: info.Config?.Env };
  }

  async imageExists(image: string): Promise<boolean> {
    try {
      await this.docker.getImage(image).inspect();
      return true;
    } catch {
      return false;
    }
  }

  async prepullImage(image: string, onProgress?: (p: PrepullProgress) => void, signal?: AbortSignal): Promise<boolean> {
    if (await this.imageExists(image)) return false;
    await this.pullImage(image, onProgress, signal);
    return true;
  }

  /** Pulls an image the caller already knows to be missing (prepullImage asks the engine first). */
  async pullImage(image: string, onProgress?: (p: PrepullProgress) => void, signal?: AbortSignal): Promise<void> {
    try {
      const stream = (await this.docker.pull(image, { abortSignal: signal })) as NodeJS.ReadableStream;
      await followProgress(this.docker, stream, (event) =>
        onProgress?.({ image, status: event.status ?? '', current: event.progressDetail?.current, total: event.progressDetail?.total }),
      );
    } catch (error) {
      throw imageUnavailable(image, error);
    }
  }

  /** The relay is the session's plumbing, not an instance: it is reaped with its session but never listed. */
  async listManaged(): Promise<ManagedContainer[]> {
    // A standby not assigned yet is the session's plumbing, as the relay is: listed once it is a function's.
    return (await this.listManagedWith(this.sessionLiveness())).filter((c) => !c.labels[LABELS.relay] && !(c.labels[LABELS.standby] && !c.functionName));
  }

  async reapStale(options: { workspaces?: readonly string[] } = {}): Promise<StaleReport> {
    const report: StaleReport = { containers: [], networks: [], volumes: [] };
    // One answer per session for the whole call: containers, networks and volumes of a session share it.
    const isAlive = this.sessionLiveness();
    let stale = (await this.listManagedWith(isAlive)).filter((c) => c.stale);
    // Scoped to workspaces: the dead sessions that ran one of them, and everything those sessions left.
    // (What a session's scoped socket created carries no workspace label: it goes with its session.)
    const ours = options.workspaces ? staleInWorkspaces(stale, options.workspaces) : stale;
    const sessions = options.workspaces ? new Set(ours.map((c) => c.session)) : undefined;
    if (sessions) stale = stale.filter((c) => ours.includes(c) || (c.labels[LABELS.workspace] === undefined && sessions.has(c.session)));
    const reapable = async (labels: Record<string, string>) => (!sessions || sessions.has(labels[LABELS.session])) && !(await isAlive(labels));
    await Promise.all(
      stale.map(async (c) => {
        await this.docker.getContainer(c.id).remove({ force: true, v: true }).catch(ignoreMissing);
        report.containers.push(c.name);
        // Paths made from the ids (hex, checked), never taken from a label: anyone can label a container.
        const instanceId = c.labels[LABELS.instance] ?? '';
        if (c.labels[LABELS.standby] && c.labels[LABELS.host] === Session.hostname && isHexId(c.session) && isHexId(instanceId)) {
          removeStandbyFolders(standbyFolders(c.session, instanceId));
          StandbyRecord.forSession(c.session).dispose();
        }
      }),
    );
    const networks = await this.docker.listNetworks({ filters: { label: [LABELS.session] } });
    for (const network of networks) {
      if (network.Labels && (await reapable(network.Labels))) {
        await this.docker.getNetwork(network.Id).remove().catch(ignoreMissing);
        report.networks.push(network.Name);
      }
    }
    const { Volumes: volumes } = await this.docker.listVolumes({ filters: { label: [LABELS.session] } });
    for (const volume of volumes ?? []) {
      if (volume.Labels && (await reapable(volume.Labels))) {
        await this.docker.getVolume(volume.Name).remove().catch(ignoreMissing);
        report.volumes.push(volume.Name);
      }
    }
    return report;
  }

  async stopContainer(id: string): Promise<void> {
    await this.docker.getContainer(id).stop({ t: 2 }).catch((error: unknown) => ignoreMissing(error, { notModified: true }));
  }

  async removeContainer(id: string): Promise<void> {
    await this.docker.getContainer(id).remove({ force: true, v: true }).catch(ignoreMissing);
  }

  async containerLogs(id: string, options: ContainerLogOptions, onText: (text: string) => void): Promise<void> {
    const container = this.docker.getContainer(id);
    const tail = options.tail ?? 1000;
    const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
    const sink = (stream: OutputStream) =>
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          const text = decoders[stream].write(chunk);
          if (text) onText(text);
          callback();
        },
      });
    if (!options.follow) {
      const raw = await container.logs({ stdout: true, stderr: true, tail, follow: false });
      onText(demuxed(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw))));
      return;
    }
    const stream = (await container.logs({ stdout: true, stderr: true, tail, follow: true })) as NodeJS.ReadableStream & { destroy(): void };
    this.docker.modem.demuxStream(stream, sink('stdout'), sink('stderr'));
    await new Promise<void>((resolve) => {
      const stop = () => {
        stream.destroy();
        resolve();
      };
      if (options.signal?.aborted) return stop();
      options.signal?.addEventListener('abort', stop, { once: true });
      stream.once('end', resolve);
      stream.once('close', resolve);
      stream.once('error', resolve);
    });
  }

  async dispose(): Promise<void> {
    this.events.dispose();
    await Promise.all([...this.instances.keys()].map((id) => this.terminate(id).catch(() => undefined)));
    const relay = await this.relayPromise?.catch(() => undefined);
    await relay?.dispose().catch((error: unknown) => this.log.warn(`[engine] could not remove the relay: ${errorMessage(error)}`));
    this.standbyRecordFile?.dispose();
    closeEngineClient(this.docker);
  }

  /** Whether the session that labelled something is alive; each session is asked once per returned function. */
  private sessionLiveness(): (labels: Record<string, string>) => Promise<boolean> {
    const alive = new Map<string, Promise<boolean>>();
    return (labels) => {
      const session = labels[LABELS.session];
      if (session === this.session.id) return Promise.resolve(true);
      let answer = alive.get(session);
      if (!answer) {
        answer = Session.isAlive({ host: labels[LABELS.host], livenessSocket: labels[LABELS.sessionSocket] });
        alive.set(session, answer);
      }
      return answer;
    };
  }

  private async listManagedWith(isAlive: (labels: Record<string, string>) => Promise<boolean>): Promise<ManagedContainer[]> {
    const containers = await this.docker.listContainers({ all: true, filters: { label: [LABELS.session] } });
    const labelsOf = this.assignedLabels();
    return Promise.all(
      containers.map(async (c) => {
        const labels = c.Labels[LABELS.standby] ? { ...c.Labels, ...labelsOf(c.Labels) } : c.Labels;
        return {
          id: c.Id,
          name: (c.Names?.[0] ?? c.Id).replace(/^\//, ''),
          functionName: labels[LABELS.function] ?? '',
          session: labels[LABELS.session] ?? '',
          state: c.State,
          status: c.Status,
          image: c.Image,
          createdAt: new Date(c.Created * 1000),
          labels,
          stale: !(await isAlive(c.Labels)),
        };
      }),
    );
  }

  /** The labels an assigned standby would carry had it been created as the function's (read once per record file per call). */
  private assignedLabels(): (labels: Record<string, string>) => Record<string, string> | undefined {
    const records = new Map<string, Record<string, Record<string, string>>>();
    return (labels) => {
      const instanceId = labels[LABELS.instance];
      if (labels[LABELS.session] === this.session.id) return this.standbyRecordFile?.labelsOf(instanceId);
      if (labels[LABELS.host] !== Session.hostname || !isHexId(labels[LABELS.session])) return undefined;
      const file = StandbyRecord.forSession(labels[LABELS.session]).file;
      let record = records.get(file);
      if (!record) records.set(file, (record = StandbyRecord.read(file)));
      return record[instanceId];
    };
  }

  private onContainerEvent(event: ContainerEvent): void {
    const instance = this.byContainer.get(event.containerId);
    if (!instance) return;
    if (event.action === 'oom') instance.oomKilled = true;
    if (event.action === 'die') {
      instance.exit({ exitCode: Number(event.attributes.exitCode ?? -1), oomKilled: false });
    }
  }

  private forget(instance: DockerInstance): void {
    this.instances.delete(instance.instanceId);
    this.byContainer.delete(instance.id);
  }

  private async uploadCode(container: Docker.Container, spec: LaunchSpec): Promise<void> {
    if (spec.runtimeClient) await container.putArchive(runtimeClientArchive(spec.runtimeClient), { path: path.posix.dirname(CLIENT_DIR_IN_CONTAINER) });
    if (spec.codeDir) await container.putArchive(tarFs.pack(spec.codeDir) as unknown as NodeJS.ReadableStream, { path: '/var/task' });
    if (spec.layersDir) await container.putArchive(tarFs.pack(spec.layersDir) as unknown as NodeJS.ReadableStream, { path: '/opt' });
  }

  private findRuntimeApiEndpoint(): Promise<RuntimeApiEndpoint> {
    const host = process.env.LAMBDA_DOCK_RUNTIME_API_HOST;
    return chooseRuntimeApiEndpoint({
      kind: this.selection.kind,
      endpoint: this.endpoint,
      local: this.canBindHostPaths,
      override: host ? { host, bind: process.env.LAMBDA_DOCK_RUNTIME_API_BIND } : undefined,
      rootless: async () => ((await this.docker.info()) as { SecurityOptions?: string[] }).SecurityOptions?.some((o) => o.includes('name=rootless')) ?? false,
      gateway: async () => {
        const { gateway } = await this.instanceNetwork();
        return { address: gateway, bindable: await canBind(gateway) };
      },
    });
  }

}

/** Our runtime client's file on this machine (built by `npm run build`). */
function runtimeClientOnHost(kind: RuntimeClientKind): string {
  return kind === 'nodejs' ? runtimeClientPath() : pythonRuntimeClientPath();
}

/** A tar holding the client at its path in the container, relative to the folder it is uploaded into. */
function runtimeClientArchive(kind: RuntimeClientKind): NodeJS.ReadableStream {
  const pack = tar.pack();
  const content = fs.readFileSync(runtimeClientOnHost(kind));
  const inContainer = runtimeClientInContainer(kind);
  const base = path.posix.dirname(CLIENT_DIR_IN_CONTAINER);
  pack.entry({ name: path.posix.relative(base, CLIENT_DIR_IN_CONTAINER), type: 'directory', mode: 0o755 });
  pack.entry({ name: path.posix.relative(base, inContainer), mode: 0o644 }, content);
  pack.finalize();
  return pack as unknown as NodeJS.ReadableStream;
}

/** Session and instance ids are hex: only such a label may become part of a path. */
function isHexId(id: string | undefined): id is string {
  return id !== undefined && /^[0-9a-f]{1,64}$/.test(id);
}

/** An instance's container name: its function's (readable in `docker ps`) and its instance id (unique). */
function instanceName(functionName: string, instanceId: string): string {
  return `lambda-dock-${functionName.replace(/[^a-zA-Z0-9_.-]/g, '-').slice(0, 40)}-${instanceId}`;
}

/** Where Docker and Podman keep a container's peak memory, under cgroup v1 and v2. */
function cgroupPeakMemoryFiles(id: string): string[] {
  const root = '/sys/fs/cgroup';
  return [
    `${root}/memory/docker/${id}/memory.max_usage_in_bytes`,
    `${root}/memory/system.slice/docker-${id}.scope/memory.max_usage_in_bytes`,
    `${root}/memory/machine.slice/libpod-${id}.scope/memory.max_usage_in_bytes`,
    `${root}/memory/libpod_parent/libpod-${id}/memory.max_usage_in_bytes`,
    `${root}/system.slice/docker-${id}.scope/memory.peak`,
    `${root}/docker/${id}/memory.peak`,
    `${root}/machine.slice/libpod-${id}.scope/memory.peak`,
  ];
}

/**
 * Read at once: a cgroup file is made by the kernel on read, never blocks, and is read after every invoke of a
 * runtime that reports no memory figure, where readFile's round trips through the thread pool cost milliseconds
 * on a busy machine.
 */
async function readPeakMemoryMB(file: string): Promise<number> {
  return Math.ceil(Number(fs.readFileSync(file, 'utf8')) / (1024 * 1024));
}

/** Whether an address is this machine's (the bridge is down, and so unlisted, until a container runs). */
function canBind(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(0, address, () => server.close(() => resolve(true)));
  });
}

/** Docker's multiplexed log (8-byte frame headers, for containers without a TTY) as text; raw text as it is. */
export function demuxed(raw: Buffer): string {
  const chunks: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= raw.length) {
    const stream = raw[offset];
    if (stream > 2 || raw[offset + 1] !== 0 || raw[offset + 2] !== 0 || raw[offset + 3] !== 0) return raw.toString('utf8');
    const size = raw.readUInt32BE(offset + 4);
    chunks.push(raw.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  if (offset < raw.length && chunks.length === 0) return raw.toString('utf8');
  return Buffer.concat(chunks).toString('utf8');
}

function outputSink(instance: DockerInstance, stream: OutputStream): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      instance.emit('output', chunk, stream);
      callback();
    },
  });
}

/** The host port the engine published a container port on (asked for as 0: the engine picked it). */
async function publishedPort(container: Docker.Container, port: string): Promise<number> {
  const info = await container.inspect();
  const bindings = info.NetworkSettings.Ports?.[port] ?? [];
  const published = Number(bindings.find((b) => b.HostIp === '127.0.0.1' || b.HostIp === '')?.HostPort ?? bindings[0]?.HostPort);
  if (!Number.isInteger(published) || published <= 0) throw new Error(`the engine did not publish ${port} (${JSON.stringify(bindings)})`);
  return published;
}

function debugNeedsLocalEngine(spec: LaunchSpec, endpoint: string): LambdaDockError {
  return new LambdaDockError(
    ENGINE_ERRORS.launchFailed,
    `Cannot debug ${spec.functionName} on the engine at ${endpoint}: the inspector is published on 127.0.0.1 only, which is this machine's only for a local engine. Use a local Docker or Podman socket to debug.`,
  );
}

function launchFailed(spec: LaunchSpec, error: unknown): LambdaDockError {
  const status = (error as { statusCode?: number }).statusCode;
  const detail = (error as { json?: { message?: string } }).json?.message ?? errorMessage(error);
  const hint = status === 404 ? ` The image ${spec.image} is not on this machine: pull or build it first.` : '';
  return new LambdaDockError(ENGINE_ERRORS.launchFailed, `Could not start an instance of ${spec.functionName}: ${detail}.${hint}`, { cause: error });
}
