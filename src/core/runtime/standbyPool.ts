import { randomBytes } from 'node:crypto';
import type { InstanceExit, LambdaBackend, LaunchedInstance, StandbyBackend } from '../engine/backend';
import type { RuntimeClientKind } from '../engine/officialImageClient';
import { errorMessage } from '../errors';
import type { Logger } from '../log';
import { STANDBY_ENV } from './client/protocol';
import { RuntimeApiChannel } from './runtimeApiChannel';
import { StandbyDemand } from './standbyDemand';

/** What a standby is made of: everything of an instance that does not depend on its function. */
export interface StandbyTemplate {
  image: string;
  entrypoint?: string[];
  workingDir?: string;
  /** Our client, put into images that do not carry it (the official images), as a launch puts it. */
  runtimeClient?: RuntimeClientKind;
  /** What the runtime sets before the function's variables (NODE_PATH, a CA bundle): a standby starts with it. */
  environment?: Record<string, string>;
  runtimeSdk?: { store: string; id: string };
  /** Standbys for functions with a scoped Docker socket have a private folder mounted at /var/run. */
  dockerSocket: boolean;
  ephemeralStorageMB: number;
  /** Set where the engine cannot change a memory limit later: such standbys are made per memory size. */
  memorySizeMB?: number;
}

/** A started standby taken for one function: its container and its Runtime API channel pass to that function's pool. */
export interface Standby {
  instanceId: string;
  channel: RuntimeApiChannel;
  launched: LaunchedInstance;
  /** Tells the pool that this standby could not be assigned: after a few, its template gets no more. */
  assignmentFailed(error: unknown): void;
}

export interface StandbyPoolOptions {
  backend: LambdaBackend & StandbyBackend;
  /** How many are kept per template while no burst asks for more. */
  count: number;
  /** The most a burst raises the number kept to (the per-function concurrency cap). */
  maxCount: number;
  workspace: string;
  log: Logger;
  /** How long the raised number lasts after the last take (ms). */
  demandWindowMs?: number;
  /** A private folder to mount at /var/run for a standby whose function may get a scoped socket; and its removal. */
  socketFolder?: { make(instanceId: string): Promise<string | undefined>; remove(instanceId: string): void };
}

const FAILURES_BEFORE_PAUSE = 3;
const PAUSE_MS = 60_000;

/**
 * Standby sandboxes: per template (runtime image and what else a container is made with), a few started,
 * generic instances whose runtime client waits for its function. A launch takes one and assigns it (see
 * FunctionPool); the pool starts a replacement at once. When more launches wait than are ready, one is
 * started for each, in parallel, and the number kept rises to the demand seen while it lasts.
 */
export class StandbyPool {
  private readonly sets = new Map<string, StandbySet>();
  private disposed = false;

  constructor(private readonly options: StandbyPoolOptions) {}

  /** Makes sure standbys of this template are kept (started in the background). */
  keep(template: StandbyTemplate): void {
    if (!this.disposed) this.setOf(template).fill();
  }

  /**
   * A ready standby of the template, or the next one to become ready; undefined when none can be had (the
   * template keeps failing, the pool is disposed, or the signal aborted the wait).
   */
  take(template: StandbyTemplate, signal?: AbortSignal): Promise<Standby | undefined> {
    if (this.disposed) return Promise.resolve(undefined);
    return this.setOf(template).take(signal);
  }

  /** Removes the standbys of every template but these (no deployed function uses them any more). */
  async keepOnly(templates: readonly StandbyTemplate[]): Promise<void> {
    const used = new Set(templates.map(templateKey));
    const unused = [...this.sets].filter(([key]) => !used.has(key));
    for (const [key] of unused) this.sets.delete(key);
    await Promise.all(unused.map(([, set]) => set.dispose()));
  }

  /** How many are ready and starting, per image (for tests and the benchmark). */
  counts(): Array<{ image: string; ready: number; starting: number; target: number }> {
    return [...this.sets.values()].map((set) => ({ image: set.template.image, ...set.counts() }));
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await Promise.all([...this.sets.values()].map((set) => set.dispose()));
    this.sets.clear();
  }

  private setOf(template: StandbyTemplate): StandbySet {
    const key = templateKey(template);
    let set = this.sets.get(key);
    if (!set) this.sets.set(key, (set = new StandbySet(template, this.options)));
    return set;
  }
}

function templateKey(template: StandbyTemplate): string {
  return JSON.stringify([template.image, template.entrypoint, template.workingDir, template.runtimeClient, template.environment, template.runtimeSdk, template.dockerSocket, template.ephemeralStorageMB, template.memorySizeMB]);
}

interface Waiter {
  resolve(standby: Standby | undefined): void;
}

/** The standbys of one template. */
class StandbySet {
  private readonly ready: Standby[] = [];
  private readonly waiters: Waiter[] = [];
  /** Every standby started and not yet handed over or removed (dispose removes them). */
  private readonly owned = new Set<string>();
  /** Removes a ready standby's exit watch (the pool replaces one that dies while it waits). */
  private readonly exitWatches = new Map<Standby, () => void>();
  private starting = 0;
  /** Starts under way: dispose waits for them, so no container outlives the pool. */
  private readonly starts = new Set<Promise<void>>();
  private failures = 0;
  private pausedUntil = 0;
  private disposed = false;
  private readonly demand: StandbyDemand;

  constructor(
    readonly template: StandbyTemplate,
    private readonly options: StandbyPoolOptions,
  ) {
    this.demand = new StandbyDemand(options.count, options.maxCount, options.demandWindowMs ?? 30_000, () => this.trim());
  }

  counts(): { ready: number; starting: number; target: number } {
    return { ready: this.ready.length, starting: this.starting, target: this.demand.target };
  }

  take(signal?: AbortSignal): Promise<Standby | undefined> {
    this.demand.note();
    const standby = this.ready.shift();
    if (standby) {
      this.handOver(standby);
      this.fill();
      return Promise.resolve(standby);
    }
    if (this.paused() || signal?.aborted) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        resolve: (s) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(s);
        },
      };
      const onAbort = () => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
        resolve(undefined);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
      this.fill();
    });
  }

  /** Starts what is missing: one for each waiting launch not yet covered, else up to the number kept. */
  fill(): void {
    if (this.disposed || this.paused()) return;
    const wanted = this.waiters.length > 0 ? this.waiters.length : this.demand.target - this.ready.length;
    for (let i = this.starting; i < wanted; i++) {
      const start = this.startOne().finally(() => this.starts.delete(start));
      this.starts.add(start);
    }
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.demand.dispose();
    for (const waiter of this.waiters.splice(0)) waiter.resolve(undefined);
    for (const standby of this.ready.splice(0)) standby.channel.close();
    await Promise.all(this.starts);
    await Promise.all([...this.owned].map((instanceId) => this.remove(instanceId)));
  }

  private paused(): boolean {
    return Date.now() < this.pausedUntil;
  }

  /** Back to the number kept once the demand is over: the extra ones are removed. */
  private trim(): void {
    while (this.ready.length > this.demand.target) {
      const extra = this.ready.pop()!;
      this.exitWatches.get(extra)?.();
      this.exitWatches.delete(extra);
      extra.channel.close();
      void this.remove(extra.instanceId);
    }
  }

  private async startOne(): Promise<void> {
    const { backend, log } = this.options;
    const instanceId = randomBytes(6).toString('hex');
    this.starting += 1;
    this.owned.add(instanceId);
    let channel: RuntimeApiChannel | undefined;
    try {
      channel = await RuntimeApiChannel.open(await backend.runtimeApiEndpoint(), { instanceId, owner: `standby ${instanceId}`, log, standby: true });
      const dockerSocketDir = this.template.dockerSocket ? await this.options.socketFolder?.make(instanceId) : undefined;
      const launched = await backend.startStandby({
        instanceId,
        workspace: this.options.workspace,
        image: this.template.image,
        entrypoint: this.template.entrypoint,
        workingDir: this.template.workingDir,
        environment: { ...this.template.environment, AWS_LAMBDA_RUNTIME_API: channel.address, [STANDBY_ENV]: '1' },
        runtimeClient: this.template.runtimeClient,
        ephemeralStorageMB: this.template.ephemeralStorageMB,
        runtimeSdk: this.template.runtimeSdk,
        memorySizeMB: this.template.memorySizeMB,
        dockerSocketDir,
      });
      channel.admit(launched);
      await untilWaiting(channel, launched);
      this.starting -= 1;
      if (this.disposed) {
        channel.close();
        await this.remove(instanceId);
        return;
      }
      this.failures = 0;
      this.arrived({ instanceId, channel, launched, assignmentFailed: (error) => this.failed(`assigning standby ${instanceId}`, error) });
    } catch (error) {
      this.starting -= 1;
      channel?.close();
      await this.remove(instanceId);
      if (!this.disposed) this.failed(`starting a standby of ${this.template.image}`, error);
    }
  }

  private arrived(standby: Standby): void {
    const onExit = (exit: InstanceExit) => {
      const at = this.ready.indexOf(standby);
      if (at < 0) return;
      this.ready.splice(at, 1);
      standby.channel.close();
      void this.remove(standby.instanceId);
      if (!exit.requested) this.failed(`standby ${standby.instanceId}`, new Error(`its runtime exited (code ${exit.exitCode}) before it was assigned`));
    };
    standby.launched.once('exit', onExit);
    this.exitWatches.set(standby, () => standby.launched.off('exit', onExit));
    const waiter = this.waiters.shift();
    if (waiter) {
      this.handOver(standby);
      waiter.resolve(standby);
      this.fill();
    } else {
      this.ready.push(standby);
      // A waiter that gave up (its invocation found a free instance) leaves a standby for the next launch.
      this.trimLater();
    }
  }

  private trimLater(): void {
    if (this.ready.length > this.demand.target) this.demand.touch();
  }

  /** From now on the function's pool owns it. */
  private handOver(standby: Standby): void {
    this.exitWatches.get(standby)?.();
    this.exitWatches.delete(standby);
    this.owned.delete(standby.instanceId);
  }

  private failed(what: string, error: unknown): void {
    this.failures += 1;
    this.options.log.warn(`${what} failed: ${errorMessage(error)}`);
    if (this.failures < FAILURES_BEFORE_PAUSE) {
      this.fill();
      return;
    }
    this.failures = 0;
    this.pausedUntil = Date.now() + PAUSE_MS;
    this.options.log.warn(`no standbys of ${this.template.image} for ${PAUSE_MS / 1000} s after ${FAILURES_BEFORE_PAUSE} failures in a row: launches start their own instances meanwhile`);
    // Waiting launches start their own instances.
    for (const waiter of this.waiters.splice(0)) waiter.resolve(undefined);
  }

  private async remove(instanceId: string): Promise<void> {
    this.owned.delete(instanceId);
    try {
      await this.options.backend.terminate(instanceId);
    } catch (error) {
      this.options.log.warn(`could not remove standby ${instanceId}: ${errorMessage(error)}`);
    } finally {
      this.options.socketFolder?.remove(instanceId);
    }
  }
}

/** Resolves once the standby's runtime polls for its assignment; rejects if it exits first. */
function untilWaiting(channel: RuntimeApiChannel, launched: LaunchedInstance): Promise<void> {
  if (channel.waitingForAssignment) return Promise.resolve();
  if (launched.exitInfo) return Promise.reject(new Error(`its runtime exited (code ${launched.exitInfo.exitCode}) before it was ready`));
  return new Promise((resolve, reject) => {
    const onReady = () => {
      launched.off('exit', onExit);
      resolve();
    };
    const onExit = (exit: InstanceExit) => {
      channel.off('standbyReady', onReady);
      reject(new Error(`its runtime exited (code ${exit.exitCode}) before it was ready`));
    };
    channel.once('standbyReady', onReady);
    launched.once('exit', onExit);
  });
}
