import { EventEmitter } from 'node:events';
import * as path from 'node:path';
import { isNamed, type FunctionDefinition } from '../functions/definition';
import type { ContainerLogOptions, LambdaBackend, LaunchSpec, ManagedContainer, StaleReport } from '../engine/backend';
import { isLocalNodeImage } from '../engine/localNodeImage';
import { runtimeNodeMajor } from '../engine/nodeBinaries';
import { RuntimeSdkInstaller, runtimeSdkFor, runtimeSdkStore } from '../engine/runtimeSdk';
import { detectEngine, type DetectOptions } from '../engine/detect';
import { DockerBackend } from '../engine/dockerBackend';
import { dockerSocketOnRemoteEngine, ENGINE_ERRORS } from '../engine/errors';
import { ProcessBackend } from '../engine/processBackend';
import { LABELS, canKeepStandbys } from '../engine/backend';
import { prepareSocketDir, removeSocketDir, socketDirFor } from '../sockets/socketPath';
import { runtimeDir } from '../paths';
import { StandbyPool, type Standby, type StandbyTemplate } from './standbyPool';
import { STANDBY_EPHEMERAL_STORAGE_MB, standbyIneligibility } from './standbyEligibility';
import { DockerSocketSpawner, functionSocketToken } from '../sockets';
import { Session } from '../engine/session';
import { isLambdaDockError } from '../errors';
import type { OfficialImageClient } from '../engine/officialImageClient';
import { runtimeClientPath } from '../paths';
import { debugSourceRoots } from '../debug/sourceRoots';
import { DEBUG_SOURCES_ENV } from './client/debugSourceRoots';
import { silentLogger, tagged, type Logger } from '../log';
import { FunctionPool, type Deployment, type FunctionLogEvent } from './functionPool';
import { ImageResolver } from './imageResolver';
import { buildFailed, functionNotFound, payloadTooLarge } from './invokeErrors';
import type { InvokeOptions, InvokeResult } from './invokeResult';
import { MAX_SYNC_PAYLOAD_BYTES, type BuildFailure, type FunctionInvoker } from './invoker';
import { deployFingerprint, packageFunction } from './packaging';
import type { InstanceSnapshot } from './warmInstance';
import type { DebugTarget } from '../debug/debugTarget';
import { debugSessionStopped } from './runtimeErrors';

export interface FunctionHostOptions {
  workspace: string;
  /** A backend to use as it is; otherwise one is detected. */
  backend?: LambdaBackend;
  engine?: DetectOptions;
  /** With no engine reachable, run functions as child processes (not isolated) instead of failing. */
  fallbackToProcess?: boolean;
  idleTimeoutMs?: number;
  maxConcurrencyPerFunction?: number;
  /**
   * How many started, generic instances to keep waiting per runtime image (standby sandboxes): a launch
   * takes one instead of starting a container. 0 (the default here; the CLI and the editor default to 2)
   * keeps none.
   */
  standbyInstances?: number;
  /** Runtime identifier → image, overriding the official images. */
  runtimeImages?: Record<string, string>;
  /**
   * Who runs functions in the official images (and images laid out as they are): 'lambda-dock' (the default),
   * our runtime client on the image's own Node.js or Python and AWS SDK; 'aws', the image's entrypoint and AWS's client.
   */
  officialImageClient?: OfficialImageClient;
  region?: string;
  log?: Logger;
}

export type DeployChange = 'added' | 'changed' | 'unchanged';

export interface DeployReport {
  functions: Array<{ name: string; change: DeployChange; fingerprint: string; packageMs: number }>;
  removed: string[];
}

/**
 * The engine: registers functions, keeps their instances warm, and invokes them. Owns the session, the
 * backend and every pool; dispose() stops all of it. Emits 'change' when functions or instances change, and
 * 'log' (FunctionLogEvent) for every piece of a function's log as it happens, whoever invoked it (the
 * editor, the Invoke API, a Function URL or an HTTP route).
 */
export class FunctionHost extends EventEmitter implements FunctionInvoker {
  private readonly pools = new Map<string, FunctionPool>();
  /** Functions whose last build failed, by workspace name, with their deployed name. */
  private readonly buildFailures = new Map<string, { failure: BuildFailure; deployedName?: string }>();
  private readonly images: ImageResolver;
  private readonly runtimeSdk: RuntimeSdkInstaller;
  private runtimeSdkSkipped = false;
  private readonly log: Logger;
  private socketSpawner?: DockerSocketSpawner;
  /** Standby sandboxes, when the backend keeps them and standbyInstances > 0. */
  readonly standbys?: StandbyPool;
  private readonly socketTeardowns = new Set<Promise<void>>();

  private constructor(
    readonly session: Session,
    readonly backend: LambdaBackend,
    private readonly options: FunctionHostOptions,
  ) {
    super();
    this.log = options.log ?? silentLogger;
    this.images = new ImageResolver(backend, options.runtimeImages ?? {}, tagged(this.log, 'images'), {
      officialImageClient: options.officialImageClient,
      region: this.region,
    });
    this.runtimeSdk = new RuntimeSdkInstaller(tagged(this.log, 'runtime-sdk'));
    const standbyCount = options.standbyInstances ?? 0;
    if (standbyCount > 0 && canKeepStandbys(backend)) {
      this.standbys = new StandbyPool({
        backend,
        count: standbyCount,
        maxCount: Math.max(standbyCount, options.maxConcurrencyPerFunction ?? 10),
        workspace: options.workspace,
        log: tagged(this.log, 'standby'),
        socketFolder: {
          make: async (instanceId) => path.dirname(await prepareSocketDir(socketDirFor(runtimeDir(), instanceId))),
          remove: (instanceId) => removeSocketDir(socketDirFor(runtimeDir(), instanceId)),
        },
      });
    }
  }

  static async start(options: FunctionHostOptions): Promise<FunctionHost> {
    const session = await Session.start();
    try {
      const backend = options.backend ?? (await FunctionHost.connect(session, options));
      return new FunctionHost(session, backend, options);
    } catch (error) {
      await session.dispose();
      throw error;
    }
  }

  private static async connect(session: Session, options: FunctionHostOptions): Promise<LambdaBackend> {
    try {
      const selection = await detectEngine(options.engine);
      options.log?.info(`[engine] using ${selection.kind} at ${selection.endpoint} (${selection.reason}, API ${selection.apiVersion})`);
      return await DockerBackend.connect(selection, session, options.log ?? silentLogger);
    } catch (error) {
      if (!options.fallbackToProcess || !isLambdaDockError(error, ENGINE_ERRORS.notFound)) throw error;
      options.log?.warn('[engine] no Docker or Podman engine answers: running functions as local processes, NOT isolated from this machine');
      return new ProcessBackend(tagged(options.log ?? silentLogger, 'process'));
    }
  }

  functions(): readonly FunctionDefinition[] {
    return [...this.pools.values()].map((pool) => pool.definition);
  }

  getFunction(name: string): FunctionDefinition | undefined {
    return this.poolOf(name)?.definition;
  }

  /**
   * Records that a function's latest build failed (undefined: that it built). While it is recorded, an
   * invoke fails with that build error instead of running the last good build.
   */
  setBuildFailure(definition: Pick<FunctionDefinition, 'name' | 'deployedName'>, failure: BuildFailure | undefined): void {
    if (failure) this.buildFailures.set(definition.name, { failure, ...(definition.deployedName ? { deployedName: definition.deployedName } : {}) });
    else this.buildFailures.delete(definition.name);
  }

  buildFailureOf(name: string): BuildFailure | undefined {
    for (const [key, entry] of this.buildFailures) if (isNamed({ name: key, ...entry }, name)) return entry.failure;
    return undefined;
  }

  instances(): InstanceSnapshot[] {
    return [...this.pools.values()].flatMap((pool) => pool.snapshots());
  }

  fingerprintOf(name: string): string | undefined {
    return this.pools.get(name)?.fingerprint;
  }

  /**
   * Makes the registered set exactly `definitions`: new functions are added, changed ones get new
   * instances for new invocations, missing ones are removed. Images are pre-pulled in the background.
   */
  async deploy(definitions: readonly FunctionDefinition[], options: { prewarm?: boolean; removeMissing?: boolean } = {}): Promise<DeployReport> {
    const report: DeployReport = { functions: [], removed: [] };
    const started = Date.now();
    const deployments = await Promise.all(definitions.map((definition) => this.deployment(definition)));
    const packageMs = Date.now() - started;
    // Registered in definition order, so listings follow the workspace's order.
    for (const deployment of deployments) {
      const { definition } = deployment;
      const existing = this.pools.get(definition.name);
      let change: DeployChange = 'added';
      if (existing) {
        change = existing.fingerprint === deployment.fingerprint ? 'unchanged' : 'changed';
        if (change === 'changed') existing.redeploy(deployment);
        else existing.refresh(deployment);
      } else {
        const pool = new FunctionPool(deployment, {
          backend: this.backend,
          maxConcurrency: this.options.maxConcurrencyPerFunction ?? 10,
          idleTimeoutMs: this.options.idleTimeoutMs ?? 5 * 60_000,
          region: this.region,
          accountId: '000000000000',
          log: tagged(this.log, 'pool'),
          onInstanceGone: (instance) => this.tearDownSocket(instance.instanceId),
        });
        pool.on('change', () => this.emit('change'));
        pool.on('debugTarget', (target: DebugTarget) => this.emit('debugTarget', target));
        pool.on('log', (event: FunctionLogEvent) => this.emit('log', event));
        this.pools.set(definition.name, pool);
      }
      this.images.prepull(definition);
      this.keepStandbys(definition.name, deployment);
      report.functions.push({ name: definition.name, change, fingerprint: deployment.fingerprint, packageMs });
    }
    if (options.removeMissing !== false) {
      const wanted = new Set(definitions.map((d) => d.name));
      for (const [name, pool] of this.pools) {
        if (wanted.has(name)) continue;
        this.pools.delete(name);
        this.functionTemplates.delete(name);
        report.removed.push(name);
        await pool.dispose();
      }
    }
    this.dropUnusedStandbys();
    if (options.prewarm) {
      await Promise.all(report.functions.filter((f) => f.change !== 'unchanged').map((f) => this.prewarm(f.name)));
    }
    this.emit('change');
    return report;
  }

  async prewarm(name: string): Promise<void> {
    const pool = this.poolOf(name);
    if (!pool) throw functionNotFound(name, [...this.pools.keys()]);
    await pool.prewarm();
  }

  /**
   * A function's debug mode: while on, every invocation of it (from any caller: the Invoke API, Function
   * URLs, the editor) runs on one debugged instance whose inspector listens on 127.0.0.1:port (0: a free
   * port); 'debugTarget' (DebugTarget) is emitted each time such an instance starts. Undefined turns it off.
   */
  setDebugMode(name: string, options: { port?: number } | undefined): void {
    const pool = this.pools.get(name);
    if (!pool) throw functionNotFound(name, [...this.pools.keys()]);
    pool.setDebugMode(options);
  }

  debugMode(name: string): { port: number } | undefined {
    return this.pools.get(name)?.debugMode;
  }

  /**
   * Stops one instance; unknown ids are ignored. With `debugStopped` (its debug session was stopped), the
   * invocation in flight ends at once, synchronously, as an error, so a debugger that lets go of it while
   * the instance is being removed cannot turn it into a success.
   */
  terminateInstance(instanceId: string, options: { debugStopped?: boolean } = {}): Promise<void> {
    if (options.debugStopped) {
      for (const pool of this.pools.values()) pool.instance(instanceId)?.abort(debugSessionStopped);
    }
    return this.backend.terminate(instanceId);
  }

  async invoke(name: string, payload: Buffer, options?: InvokeOptions): Promise<InvokeResult> {
    const failure = this.buildFailureOf(name);
    if (failure) throw buildFailed(name, failure);
    const pool = this.poolOf(name);
    if (!pool) throw functionNotFound(name, [...this.pools.keys()]);
    if (payload.length > MAX_SYNC_PAYLOAD_BYTES) throw payloadTooLarge(payload.length);
    return pool.invoke(payload, options);
  }

  /** Stops one of this session's instances through its pool (so the pool forgets it); false when there is none. */
  async stopInstance(instanceId: string): Promise<boolean> {
    for (const pool of this.pools.values()) if (await pool.stop(instanceId)) return true;
    return false;
  }

  /** Every container the project manages on the engine, other sessions' and stale ones included. */
  containers(): Promise<ManagedContainer[]> {
    return this.backend.listManaged();
  }

  /** Stops a container and keeps it; an instance of this session is stopped through its pool (and so removed). */
  async stopContainer(id: string): Promise<void> {
    const own = this.instanceOfContainer(id);
    if (own) await this.stopInstance(own);
    else await this.backend.stopContainer(id);
  }

  /** Removes a container; an instance of this session is stopped through its pool. */
  async removeContainer(id: string): Promise<void> {
    const own = this.instanceOfContainer(id);
    if (own) await this.stopInstance(own);
    else await this.backend.removeContainer(id);
  }

  /** A container's output as `docker logs` shows it, followed live with `follow` (see LambdaBackend.containerLogs). */
  containerLogs(id: string, options: ContainerLogOptions, onText: (text: string) => void): Promise<void> {
    return this.backend.containerLogs(id, options, onText);
  }

  /** Removes what ended sessions left (of these workspace folders only, when given): containers, networks, volumes. */
  reapStale(options?: { workspaces?: readonly string[] }): Promise<StaleReport> {
    return this.backend.reapStale(options);
  }

  async dispose(): Promise<void> {
    await this.standbys?.dispose();
    await Promise.all([...this.pools.values()].map((pool) => pool.dispose()));
    this.pools.clear();
    await Promise.all(this.socketTeardowns);
    await this.socketSpawner?.dispose();
    await this.backend.dispose();
    await this.session.dispose();
    this.removeAllListeners();
  }

  private poolOf(name: string): FunctionPool | undefined {
    return this.pools.get(name) ?? [...this.pools.values()].find((pool) => pool.definition.deployedName === name);
  }

  private instanceOfContainer(containerId: string): string | undefined {
    return this.instances().find((i) => i.containerId === containerId && i.state !== 'stopped')?.instanceId;
  }

  private get region(): string {
    return this.options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  }

  /** Tears an instance's socket down; dispose() waits for those still under way. */
  private tearDownSocket(instanceId: string): void {
    if (!this.socketSpawner) return;
    const teardown = this.socketSpawner.teardown(instanceId).finally(() => this.socketTeardowns.delete(teardown));
    this.socketTeardowns.add(teardown);
  }

  /**
   * A scoped Docker socket for one instance of a function that opted in: the instances of one function
   * share a scope. Undefined (logged) with the process backend: the instance starts without. Refused on a
   * remote engine: the socket is a Unix socket on this machine, which a container there cannot mount.
   */
  private async spawnDockerSocket(definition: FunctionDefinition, instanceId: string): Promise<string | undefined> {
    const backend = this.backend;
    if (backend instanceof DockerBackend && !backend.canBindHostPaths) throw dockerSocketOnRemoteEngine(definition.name, backend.endpoint);
    if (!(backend instanceof DockerBackend)) {
      this.log.warn(`[sockets] ${definition.name} asks for a Docker socket, which needs a local Docker or Podman engine: it starts without one`);
      return undefined;
    }
    this.socketSpawner ??= new DockerSocketSpawner(backend.endpoint, {
      labels: { [LABELS.session]: this.session.id, [LABELS.sessionSocket]: this.session.livenessSocket, [LABELS.host]: Session.hostname },
      logger: tagged(this.log, 'sockets'),
    });
    const socketPath = await this.socketSpawner.spawn(instanceId, functionSocketToken(definition.name));
    return socketPath ? path.dirname(socketPath) : undefined;
  }

  /**
   * The runtime's AWS SDK for a Node.js function where Lambda Dock runs it (the local image, the process
   * backend; the official images carry their own), its install started in the background if need be.
   */
  private runtimeSdkFor(definition: FunctionDefinition, image: string): LaunchSpec['runtimeSdk'] {
    const major = runtimeNodeMajor(definition.runtime);
    if (major === undefined || definition.image || (this.backend.isolated && !isLocalNodeImage(image))) return undefined;
    if (this.backend instanceof DockerBackend && !this.backend.canBindHostPaths) {
      if (!this.runtimeSdkSkipped) this.log.info("the runtime's AWS SDK is not provided to local images on a remote engine: bundle the @aws-sdk clients a function uses");
      this.runtimeSdkSkipped = true;
      return undefined;
    }
    const sdk = runtimeSdkFor(major);
    this.runtimeSdk.ensure(sdk);
    return { store: runtimeSdkStore(), id: sdk.id };
  }

  /** Standbys for the deployment's image start in the background, if it can run on them. */
  private keepStandbys(name: string, deployment: Deployment): void {
    const template = this.standbyTemplates.get(deployment);
    if (!this.standbys) return;
    if (!template) {
      this.functionTemplates.delete(name);
      return;
    }
    this.functionTemplates.set(name, template);
    void template.then((t) => t && this.standbys?.keep(t)).catch((error: unknown) => this.log.debug(`[standby] ${deployment.definition.name}: no standbys (${(error as Error).message})`));
  }

  /** Standbys of templates no deployed function uses any more (a runtime changed, a function removed) go. */
  private dropUnusedStandbys(): void {
    const standbys = this.standbys;
    if (!standbys) return;
    const templates = [...this.functionTemplates.values()];
    void Promise.all(templates.map((t) => t.catch(() => undefined))).then((used) => {
      // A deploy that ran meanwhile decides for itself.
      if (templates.length === this.functionTemplates.size && templates.every((t) => [...this.functionTemplates.values()].includes(t))) {
        return standbys.keepOnly(used.filter((t): t is StandbyTemplate => t !== undefined));
      }
      return undefined;
    }).catch((error: unknown) => this.log.warn(`[standby] could not remove unused standbys: ${(error as Error).message}`));
  }

  /** The standby a function's instance can be made from, when it can run on one (see standbyIneligibility). */
  private async standbyTemplate(definition: FunctionDefinition, packaged: { codeDir?: string; layersDir?: string }): Promise<StandbyTemplate | undefined> {
    const why = standbyIneligibility(definition);
    if (why) {
      this.log.debug(`[standby] ${definition.name} starts instances of its own: ${why}`);
      return undefined;
    }
    const image = await this.images.resolve(definition, packaged);
    if (!this.images.takesAssignment(image.image)) return undefined;
    if (definition.dockerSocket && this.backend instanceof DockerBackend && !this.backend.canBindHostPaths) return undefined;
    return {
      image: image.image,
      entrypoint: image.entrypoint,
      workingDir: image.workingDir,
      runtimeClient: image.runtimeClient,
      environment: image.environment,
      runtimeSdk: this.runtimeSdkFor(definition, image.image),
      dockerSocket: definition.dockerSocket === true,
      ephemeralStorageMB: STANDBY_EPHEMERAL_STORAGE_MB,
      ...(canKeepStandbys(this.backend) && !this.backend.canUpdateMemory ? { memorySizeMB: definition.memorySizeMB } : {}),
    };
  }

  private readonly standbyTemplates = new WeakMap<Deployment, Promise<StandbyTemplate | undefined>>();
  /** The standby template of each deployed function's current deployment. */
  private readonly functionTemplates = new Map<string, Promise<StandbyTemplate | undefined>>();

  private async deployment(definition: FunctionDefinition): Promise<Deployment> {
    const packaged = await packageFunction(definition);
    const fingerprint = deployFingerprint(definition, packaged);
    const isolated = this.backend.isolated;
    const taskRoot = isolated ? '/var/task' : (packaged.codeDir ?? this.options.workspace);
    const standbys = this.standbys;
    let template: Promise<StandbyTemplate | undefined> | undefined;
    if (standbys) {
      template = this.standbyTemplate(definition, packaged);
      template.catch(() => undefined);
    }
    const sourceRoots = debugSourceRoots(definition, isolated ? '/var/task' : packaged.codeDir, packaged.layersDir ? (isolated ? '/opt' : packaged.layersDir) : undefined);
    const deployment: Deployment = {
      definition,
      fingerprint,
      taskRoot,
      debugPaths: {
        remoteRoot: taskRoot,
        sourceRoots,
        ...(packaged.layersDir ? { remoteLayersRoot: isolated ? '/opt' : packaged.layersDir, layersDir: packaged.layersDir } : {}),
        ...(packaged.codeDir ? { codeDir: packaged.codeDir } : {}),
        // Our client is /var/runtime/bootstrap.js in an image; AWS's lives under /var/runtime too.
        runtimeFiles: isolated ? ['/var/runtime/**'] : [runtimeClientPath()],
      },
      launchSpec: async (instanceId, environment, inspector) => {
        const { environment: runtimeEnvironment, ...image } = isolated ? await this.images.resolve(definition, packaged) : { image: '' };
        const runtimeSdk = this.runtimeSdkFor(definition, image.image);
        const dockerSocketDir = definition.dockerSocket ? await this.spawnDockerSocket(definition, instanceId) : undefined;
        if (inspector) environment[DEBUG_SOURCES_ENV] = JSON.stringify(sourceRoots);
        if (dockerSocketDir) environment.DOCKER_HOST = 'unix:///var/run/docker.sock';
        return {
          dockerSocketDir,
          runtimeSdk,
          instanceId,
          functionName: definition.name,
          runtime: definition.runtime,
          deployFingerprint: fingerprint,
          workspace: this.options.workspace,
          ...image,
          environment: { ...runtimeEnvironment, ...environment },
          memorySizeMB: definition.memorySizeMB,
          ephemeralStorageMB: definition.ephemeralStorageMB,
          codeDir: packaged.codeDir,
          layersDir: packaged.layersDir,
          ...(inspector ? { inspector: { hostPort: inspector.hostPort, via: !isolated || this.images.runsOurClient(image.image) ? 'client' : 'preload' } } : {}),
        };
      },
      ...(standbys && template
        ? {
            takeStandby: async (signal: AbortSignal): Promise<Standby | undefined> => {
              const t = await template!.catch(() => undefined);
              return t ? standbys.take(t, signal) : undefined;
            },
          }
        : {}),
    };
    if (template) this.standbyTemplates.set(deployment, template);
    return deployment;
  }
}
