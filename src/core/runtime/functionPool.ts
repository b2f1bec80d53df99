import { randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { lambdaFunctionName, type FunctionDefinition } from '../functions/definition';
import { canKeepStandbys, type LambdaBackend, type LaunchedInstance, type LaunchSpec } from '../engine/backend';
import { errorMessage } from '../errors';
import { inspectorAnnouncement } from '../engine/inspector';
import type { Logger } from '../log';
import type { DebugOptions, DebugTarget } from '../debug/debugTarget';
import { engineFailure, tooManyRequests } from './invokeErrors';
import type { InvokeOptions, InvokeResult, LambdaError } from './invokeResult';
import { instanceEnvironment } from './lambdaEnvironment';
import { invocationLog, platformLog, type PlatformLog } from './logFormat';
import { RuntimeApiChannel } from './runtimeApiChannel';
import type { Standby } from './standbyPool';
import { WarmInstance, type InstanceSnapshot } from './warmInstance';

/** How to start an instance of the function as it is deployed now. */
export interface Deployment {
  definition: FunctionDefinition;
  fingerprint: string;
  /** Fills in the rest of the launch (image, mounts, the inspector of a debugged instance) for one instance. */
  launchSpec(instanceId: string, environment: Record<string, string>, inspector?: { hostPort: number }): Promise<LaunchSpec>;
  taskRoot: string;
  /**
   * A standby for this deployment's next instance (see StandbyPool), undefined when it cannot have one or
   * the signal aborts the wait. Absent when the function never runs on standbys.
   */
  takeStandby?(signal: AbortSignal): Promise<Standby | undefined>;
  /** What a debugger needs besides the inspector's address: how paths map, which files are the runtime's. */
  debugPaths: Pick<DebugTarget, 'remoteRoot' | 'remoteLayersRoot' | 'codeDir' | 'layersDir' | 'sourceRoots' | 'runtimeFiles'>;
}

export interface PoolOptions {
  backend: LambdaBackend;
  maxConcurrency: number;
  idleTimeoutMs: number;
  region: string;
  accountId: string;
  log: Logger;
  /** Called for every instance that leaves (terminated, crashed, retired), e.g. to tear down its socket. */
  onInstanceGone?: (instance: WarmInstance) => void;
}

interface Waiter {
  resolve(instance: WarmInstance): void;
  /** An invocation whose own launch still waits for a standby: an instance that comes free first serves it. */
  launching?: boolean;
}

/** A launch that may give up its invocation to an instance that comes free while it waits for a standby. */
interface LaunchRace {
  signal: AbortSignal;
  /** Called when the launch has its standby (or starts its own instance): from then on it serves the invocation. */
  committed(): void;
}

/** How a debugged instance is launched, and who hears where its inspector is. */
interface DebugLaunch {
  port: number;
  scope: DebugTarget['scope'];
  onTarget: (target: DebugTarget) => void;
}

/** One debugged instance and the invocations queued for it: a debugger follows one invocation at a time. */
interface DebugLane {
  launch: DebugLaunch;
  instance?: WarmInstance;
  /** Settles when the lane's current invocation is done. */
  busy: Promise<void>;
}

/**
 * The warm instances of one function. One invocation per instance at a time; with none idle, more are
 * launched in parallel up to the concurrency cap, and invocations past it wait. A redeploy sends new
 * invocations to new instances while in-flight ones finish on the old. Emits 'change'.
 */
/**
 * A piece of a function's log as it happens: START when an invocation is dispatched, the function's output as
 * it arrives, END and REPORT when it completes (output between invocations carries no request id).
 */
export interface FunctionLogEvent {
  functionName: string;
  instanceId: string;
  requestId?: string;
  text: string;
}

export class FunctionPool extends EventEmitter {
  private readonly instances = new Set<WarmInstance>();
  private readonly idle: WarmInstance[] = [];
  private readonly waiters: Waiter[] = [];
  private readonly idleTimers = new Map<WarmInstance, NodeJS.Timeout>();
  private launching = 0;
  private inFlight = 0;
  private disposed = false;
  /** Debug mode: every invocation goes to this lane's one debugged instance. */
  private debugLane?: DebugLane;

  constructor(
    private deployment: Deployment,
    private readonly options: PoolOptions,
  ) {
    super();
  }

  get definition(): FunctionDefinition {
    return this.deployment.definition;
  }

  get fingerprint(): string {
    return this.deployment.fingerprint;
  }

  /** The platform's lines in the function's log format (its LoggingConfig may change with a redeploy). */
  private get platformLog(): PlatformLog {
    return platformLog(this.definition.logging);
  }

  snapshots(): InstanceSnapshot[] {
    return [...this.instances].map((i) => i.snapshot());
  }

  /** New invocations go to instances of the new deployment; idle old ones stop now, busy ones when done. */
  redeploy(deployment: Deployment): void {
    this.deployment = deployment;
    for (const instance of this.idle.splice(0)) void this.retire(instance);
    this.emit('change');
  }

  /** The same code and configuration described anew (its routes or its place in the file moved): instances stay. */
  refresh(deployment: Deployment): void {
    if (deployment.fingerprint !== this.fingerprint) {
      this.redeploy(deployment);
      return;
    }
    this.deployment = deployment;
  }

  async invoke(payload: Buffer, options: InvokeOptions = {}): Promise<InvokeResult> {
    const definition = this.deployment.definition;
    if (definition.reservedConcurrency !== undefined && this.inFlight >= definition.reservedConcurrency) {
      throw tooManyRequests(definition.name, definition.reservedConcurrency);
    }
    this.inFlight += 1;
    try {
      return await this.invokeCounted(payload, options);
    } finally {
      this.inFlight -= 1;
    }
  }

  /** Stops one instance (removed, as any instance the pool retires); false when it is not this pool's. */
  async stop(instanceId: string): Promise<boolean> {
    const instance = [...this.instances].find((i) => i.instanceId === instanceId);
    if (!instance) return false;
    await this.retire(instance);
    return true;
  }

  /** Starts one idle instance of the current deployment if none is idle (pre-warm). */
  async prewarm(): Promise<void> {
    if (this.idle.some((i) => i.fingerprint === this.fingerprint)) return;
    const instance = await this.launch();
    this.release(instance);
  }

  get debugMode(): { port: number } | undefined {
    return this.debugLane ? { port: this.debugLane.launch.port } : undefined;
  }

  /**
   * Debug mode on (options) or off (undefined): while on, every invocation, from any caller, runs on one
   * debugged instance; 'debugTarget' (DebugTarget) is emitted each time such an instance starts listening.
   */
  setDebugMode(options: { port?: number } | undefined): void {
    const previous = this.debugLane;
    if (options) {
      if (previous && previous.launch.port === (options.port ?? 0)) return;
      this.debugLane = { launch: { port: options.port ?? 0, scope: 'function', onTarget: (target) => this.emit('debugTarget', target) }, busy: Promise.resolve() };
    } else {
      this.debugLane = undefined;
    }
    if (previous?.instance) void this.retire(previous.instance);
    this.emit('change');
  }

  /** The instance of this pool with this id, if it is one of its. */
  instance(instanceId: string): WarmInstance | undefined {
    for (const instance of this.instances) if (instance.instanceId === instanceId) return instance;
    return undefined;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await Promise.all([...this.instances].map((instance) => this.retire(instance)));
  }

  private async invokeCounted(payload: Buffer, options: InvokeOptions): Promise<InvokeResult> {
    const requestId = options.requestId ?? randomUUID();
    if (options.debug) return this.invokeDebugged(requestId, payload, options, this.oneShotLane(options.debug));
    if (this.debugLane) return this.invokeDebugged(requestId, payload, options, this.debugLane);
    let instance = this.takeIdle();
    let coldStart = false;
    if (!instance) {
      if (this.instances.size + this.launching - this.retiringCount() < this.options.maxConcurrency) {
        try {
          ({ instance, coldStart } = await this.launchOrFreed());
        } catch (error) {
          return this.launchFailure(requestId, error);
        }
      } else {
        instance = await new Promise<WarmInstance>((resolve) => this.waiters.push({ resolve }));
      }
    }
    const result = await this.runOn(instance, requestId, payload, options, coldStart, false);
    if (this.instances.has(instance)) this.release(instance);
    return result;
  }

  /**
   * A new instance for an invocation. While its launch waits for a standby (a burst: more launches than
   * standbys ready), an instance of this function that comes free first serves the invocation instead; the
   * standby it no longer needs stays with the standbys for the next launch.
   */
  private launchOrFreed(): Promise<{ instance: WarmInstance; coldStart: boolean }> {
    if (!this.deployment.takeStandby) return this.launch().then((instance) => ({ instance, coldStart: true }));
    return new Promise((resolve, reject) => {
      const controller = new AbortController();
      let settled = false;
      const waiter: Waiter = {
        launching: true,
        resolve: (instance) => {
          settled = true;
          controller.abort();
          resolve({ instance, coldStart: false });
        },
      };
      const leaveQueue = () => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
      };
      this.waiters.push(waiter);
      this.launch(undefined, { signal: controller.signal, committed: leaveQueue }).then(
        (instance) => {
          leaveQueue();
          if (!settled) {
            settled = true;
            resolve({ instance, coldStart: true });
          } else {
            this.release(instance);
          }
        },
        (error: unknown) => {
          leaveQueue();
          if (!settled) {
            settled = true;
            reject(error);
          }
        },
      );
    });
  }

  private oneShotLane(debug: DebugOptions): DebugLane {
    return { launch: { port: debug.port ?? 0, scope: 'invocation', onTarget: (target) => debug.onTarget?.(target) }, busy: Promise.resolve() };
  }

  /**
   * Runs on the lane's debugged instance, launching it first when there is none (or it is of an older
   * deploy), one invocation at a time. A one-shot lane's instance ends with its invocation.
   */
  private async invokeDebugged(requestId: string, payload: Buffer, options: InvokeOptions, lane: DebugLane): Promise<InvokeResult> {
    const previous = lane.busy;
    let done!: () => void;
    lane.busy = new Promise<void>((resolve) => (done = resolve));
    try {
      await previous;
      let coldStart = false;
      if (lane.instance && (lane.instance.state === 'stopped' || lane.instance.fingerprint !== this.fingerprint)) {
        void this.retire(lane.instance);
        lane.instance = undefined;
      }
      if (!lane.instance) {
        coldStart = true;
        try {
          lane.instance = await this.launch(lane.launch);
        } catch (error) {
          return this.launchFailure(requestId, error);
        }
      }
      const instance = lane.instance;
      const result = await this.runOn(instance, requestId, payload, options, coldStart, true);
      if (lane.launch.scope === 'invocation' || lane !== this.debugLane) {
        lane.instance = undefined;
        await this.retire(instance);
      } else if (this.instances.has(instance)) {
        instance.markIdle();
      }
      return result;
    } finally {
      done();
    }
  }

  private launchFailure(requestId: string, error: unknown): InvokeResult {
    const initFailure = (error as { lambdaError?: LambdaError }).lambdaError;
    if (!initFailure) throw engineFailure(this.definition.name, error);
    return this.initErrorResult(requestId, initFailure, (error as { output?: string }).output ?? '');
  }

  /**
   * One invocation on an instance taken for it; a lost instance (timed out, exited) is retired. A caller that
   * does not want the log (`wantsLog: false`) has the result as soon as the function answers; the log follows
   * in the 'log' events and `logComplete`.
   */
  private async runOn(instance: WarmInstance, requestId: string, payload: Buffer, options: InvokeOptions, coldStart: boolean, debugged: boolean): Promise<InvokeResult> {
    const definition = this.definition;
    const wantsLog = options.wantsLog !== false;
    const start = this.platformLog.start(requestId);
    instance.logEvents.start(requestId, start);
    const outcome = await instance.invoke(
      {
        requestId,
        payload,
        deadlineMs: Date.now() + definition.timeoutSeconds * 1000,
        invokedFunctionArn: `arn:aws:lambda:${this.options.region}:${this.options.accountId}:function:${lambdaFunctionName(definition)}`,
        traceId: `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`,
        clientContext: options.clientContext,
      },
      // While a debugger holds it, an invocation is not timed out: it finishes when the debugger lets it.
      debugged ? undefined : definition.timeoutSeconds,
      options.responseStream,
      wantsLog,
    );
    const maxMemoryUsedMB = outcome.maxMemoryKB ? Math.ceil(outcome.maxMemoryKB / 1024) : await this.memoryUsedMB(instance);
    if (outcome.lost) void this.retire(instance);

    const report = {
      durationMs: round2(outcome.durationMs),
      billedDurationMs: Math.max(1, Math.ceil(outcome.durationMs)),
      ...(coldStart && instance.coldStartMs !== undefined ? { initDurationMs: round2(instance.coldStartMs) } : {}),
      memorySizeMB: definition.memorySizeMB,
      maxMemoryUsedMB,
      ...(debugged ? { debugged } : {}),
    };
    const status = outcome.error ? 'error' : 'ok';
    const reportStatus = outcome.error?.errorType === 'Sandbox.Timedout' ? 'timeout' : outcome.lost ? 'error' : undefined;
    const end = this.platformLog.end(requestId, report, reportStatus);
    const logComplete = outcome.output.then((output) => {
      instance.logEvents.end(requestId, end);
      return invocationLog(start, output, end);
    });
    return {
      requestId,
      functionName: definition.name,
      status,
      payload: outcome.error ? Buffer.from(JSON.stringify(outcome.error)) : (outcome.body ?? Buffer.from('null')),
      error: outcome.error,
      logs: wantsLog ? await logComplete : '',
      logComplete,
      report,
      coldStart,
      instanceId: instance.instanceId,
      ...(debugged ? { debugged } : {}),
    };
  }

  private emitLog(instance: WarmInstance, text: string, requestId: string | undefined): void {
    const event: FunctionLogEvent = { functionName: this.definition.name, instanceId: instance.instanceId, ...(requestId ? { requestId } : {}), text };
    this.emit('log', event);
  }

  private initErrorResult(requestId: string, error: LambdaError, output: string): InvokeResult {
    const report = { durationMs: 0, billedDurationMs: 0, memorySizeMB: this.definition.memorySizeMB, maxMemoryUsedMB: 0 };
    // The instance's output arrived live already; START, END and REPORT say which invocation it failed.
    const start = this.platformLog.start(requestId);
    const end = this.platformLog.end(requestId, report, 'error');
    this.emit('log', { functionName: this.definition.name, instanceId: '', requestId, text: invocationLog(start, '', end) } satisfies FunctionLogEvent);
    return {
      requestId,
      functionName: this.definition.name,
      status: 'error',
      payload: Buffer.from(JSON.stringify(error)),
      error,
      logs: invocationLog(start, output, end),
      report,
      coldStart: true,
      instanceId: '',
    };
  }

  private takeIdle(): WarmInstance | undefined {
    while (this.idle.length > 0) {
      const instance = this.idle.pop()!;
      if (instance.state === 'idle' && instance.fingerprint === this.fingerprint) {
        const timer = this.idleTimers.get(instance);
        if (timer) clearTimeout(timer);
        return instance;
      }
      if (instance.state === 'idle') void this.retire(instance);
    }
    return undefined;
  }

  private release(instance: WarmInstance): void {
    if (instance.state === 'stopped' || this.disposed) return;
    if (instance.fingerprint !== this.fingerprint) {
      void this.retire(instance);
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter.resolve(instance);
      return;
    }
    instance.markIdle();
    this.idle.push(instance);
    let timer = this.idleTimers.get(instance);
    if (timer) timer.refresh();
    else {
      timer = setTimeout(() => {
        const at = this.idle.indexOf(instance);
        if (at >= 0 && instance.state === 'idle') {
          this.idle.splice(at, 1);
          this.options.log.debug(`${this.definition.name}: instance ${instance.instanceId} idle for ${this.options.idleTimeoutMs} ms, stopping it`);
          void this.retire(instance);
        }
      }, this.options.idleTimeoutMs);
      timer.unref();
      this.idleTimers.set(instance, timer);
    }
  }

  private retiringCount(): number {
    let count = 0;
    for (const instance of this.instances) if (instance.fingerprint !== this.fingerprint) count += 1;
    return count;
  }

  private async launch(debug?: DebugLaunch, race?: LaunchRace): Promise<WarmInstance> {
    const deployment = this.deployment;
    this.launching += 1;
    try {
      const standby = debug || !deployment.takeStandby ? undefined : await deployment.takeStandby(race?.signal ?? new AbortController().signal);
      // The invocation found a free instance meanwhile and no standby came: nothing to launch. (A standby
      // that came at the same moment becomes an idle instance.)
      if (race?.signal.aborted && !standby) throw new Error('the invocation was served by an instance that came free');
      race?.committed();
      if (standby?.launched.exitInfo) {
        // It died after it was taken (removed by hand, the engine restarted): not the function's init failure.
        standby.channel.close();
        standby.assignmentFailed(new Error(`standby ${standby.instanceId} exited before its assignment (code ${standby.launched.exitInfo.exitCode})`));
        await this.options.backend.terminate(standby.instanceId);
      } else if (standby) {
        try {
          return await this.launchOn(deployment, standby);
        } catch (error) {
          if ((error as { lambdaError?: LambdaError }).lambdaError) throw error;
          standby.assignmentFailed(error);
          this.options.log.warn(`${deployment.definition.name}: its standby could not be assigned (${errorMessage(error)}); starting an instance of its own`);
        }
      }
      return await this.launchOn(deployment, undefined, debug);
    } finally {
      this.launching -= 1;
    }
  }

  /** Starts an instance (or assigns a standby) for the deployment and waits until its runtime is ready. */
  private async launchOn(deployment: Deployment, standby: Standby | undefined, debug?: DebugLaunch): Promise<WarmInstance> {
    const { backend } = this.options;
    const instanceId = standby?.instanceId ?? randomBytes(6).toString('hex');
    let startedAt = Date.now();
    const owner = `${deployment.definition.name} instance ${instanceId}`;
    let channel: RuntimeApiChannel | undefined = standby?.channel;
    let instance: WarmInstance | undefined;
    try {
      channel ??= await RuntimeApiChannel.open(await backend.runtimeApiEndpoint(), { instanceId, owner, log: this.options.log });
      instance = new WarmInstance(instanceId, deployment.definition.name, deployment.fingerprint, channel);
      this.instances.add(instance);
      instance.on('state', () => this.emit('change'));
      const live = instance;
      live.on('log', (text: string, requestId: string | undefined) => this.emitLog(live, text, requestId));
      // A crashed instance leaves the pool at once, and its container goes too.
      instance.once('exit', () => void this.retire(instance!));
      this.emit('change');
      const environment = instanceEnvironment({
        definition: deployment.definition,
        instanceId,
        runtimeApi: channel.address,
        region: this.options.region,
        taskRoot: deployment.taskRoot,
        hostEnv: process.env,
      });
      const spec = await deployment.launchSpec(instanceId, environment, debug ? { hostPort: debug.port } : undefined);
      let launched: LaunchedInstance;
      let labelled: Promise<void> | undefined;
      if (standby) {
        if (!canKeepStandbys(backend)) throw new Error(`the ${backend.name} backend keeps no standbys`);
        const assigned = await backend.assignStandby(spec);
        this.options.log.debug(`${deployment.definition.name}: standby ${instanceId} assigned in ${Date.now() - startedAt} ms`);
        labelled = assigned.labelled;
        // Init Duration is the handler's init, as on Lambda: the container was up before.
        startedAt = Date.now();
        channel.assign({ environment: assigned.environment }, owner);
        launched = standby.launched;
      } else {
        launched = await backend.launch(spec);
        channel.admit(launched);
      }
      const ready = instance.attach(launched, startedAt);
      if (debug) {
        const inspector = await untilInspectorListens(launched, ready);
        debug.onTarget({
          functionName: deployment.definition.name,
          instanceId,
          address: '127.0.0.1',
          port: launched.inspectorPort ?? inspector.port,
          webSocketUrl: `ws://127.0.0.1:${launched.inspectorPort ?? inspector.port}/${inspector.id}`,
          ...deployment.debugPaths,
          scope: debug.scope,
        });
      }
      await Promise.all([ready, labelled]);
      this.options.log.debug(`${deployment.definition.name}: instance ${instanceId} ready in ${Date.now() - startedAt} ms${standby ? ' (on a standby)' : ''}`);
      return instance;
    } catch (error) {
      if (instance) await this.retire(instance);
      else if (standby) await backend.terminate(instanceId).finally(() => channel?.close());
      else channel?.close();
      throw error;
    }
  }

  /** Takes the instance out of service at once, then stops and removes it. */
  private async retire(instance: WarmInstance): Promise<void> {
    this.forget(instance);
    try {
      await this.options.backend.terminate(instance.instanceId);
    } catch (error) {
      this.options.log.warn(`${instance.functionName}: could not stop instance ${instance.instanceId}: ${(error as Error).message}`);
    }
  }

  private forget(instance: WarmInstance): void {
    if (!this.instances.delete(instance)) return;
    const at = this.idle.indexOf(instance);
    if (at >= 0) this.idle.splice(at, 1);
    const timer = this.idleTimers.get(instance);
    if (timer) clearTimeout(timer);
    this.idleTimers.delete(instance);
    instance.setState('stopped');
    instance.channel.close();
    this.options.onInstanceGone?.(instance);
    this.emit('change');
    // A waiter may now launch its own instance: the cap has room again.
    if (this.waiters.some((w) => !w.launching) && !this.disposed) this.launchForWaiter();
  }

  private launchForWaiter(): void {
    // An invocation whose own launch is under way does not need another.
    const at = this.waiters.findIndex((w) => !w.launching);
    if (at < 0) return;
    const [waiter] = this.waiters.splice(at, 1);
    this.launch().then(
      (instance) => waiter.resolve(instance),
      (error: unknown) => {
        this.options.log.error(`${this.definition.name}: launching an instance for a queued invocation failed`, error);
        this.waiters.unshift(waiter);
      },
    );
  }

  private async memoryUsedMB(instance: WarmInstance): Promise<number> {
    return (await this.options.backend.memoryUsedMB?.(instance.instanceId).catch(() => undefined)) ?? 0;
  }
}

/** Resolves when the runtime announces its inspector; rejects if the instance fails (ready rejects) first. */
function untilInspectorListens(launched: LaunchedInstance, ready: Promise<void>): Promise<{ port: number; id: string }> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onOutput = (text: string) => {
      output += text;
      const found = inspectorAnnouncement(output);
      if (!found) return;
      launched.off('output', onOutput);
      resolve(found);
    };
    launched.on('output', onOutput);
    ready.then(
      () => {
        launched.off('output', onOutput);
        reject(new Error('the instance became ready without opening the inspector'));
      },
      (error: unknown) => {
        launched.off('output', onOutput);
        reject(error);
      },
    );
  });
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
