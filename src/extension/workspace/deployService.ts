import * as path from 'node:path';
import { errorMessage } from '../../core/errors';
import type { FunctionDefinition } from '../../core/functions/definition';
import type { Logger } from '../../core/log';
import type { Discovery, Problem } from '../../core/workspace';
import { buildFailureOf, WORKSPACE_ERROR_CODES } from '../../core/workspace/errors';
import type { EngineHost } from '../engine/engineHost';
import type { HostService } from '../engine/hostService';
import { Emitter, type Disposable } from '../util/emitter';
import { affectedFunctions } from './affected';

export type FunctionDeployState =
  | { kind: 'discovered' }
  | { kind: 'building' }
  | { kind: 'deployed'; at: number }
  | { kind: 'error'; reason: string };

export interface DeployOutcome {
  /** What caused it: a command, a save, the engine starting (or restarting with new settings). */
  reason: 'deploy' | 'save' | 'start';
  deployed: string[];
  failed: Array<{ name: string; error: string }>;
  removed: string[];
  problems: Problem[];
  at: number;
}

export type Discover = (workspace: string) => Promise<Discovery>;

/** Builds (esbuild) and packages a function for the engine: core/workspace's FunctionPackager. */
export interface Packager {
  package(definition: FunctionDefinition): Promise<{ definition: FunctionDefinition; inputs: string[]; warnings?: string[] }>;
  forget?(name: string): Promise<void>;
  dispose(): Promise<void>;
}

/** For definitions that need no build (and unit tests): the definition as it is. */
export const unbuiltPackager: Packager = {
  package: async (definition) => ({ definition, inputs: [] }),
  dispose: async () => undefined,
};

/**
 * The workspace's functions and their deploy state: discovery (no engine needed), deploy of all or of the
 * functions a save affects, one at a time so a failing function never blocks the others. Fires
 * onDidChange whenever the functions, their problems or their states change.
 */
export class DeployService implements Disposable {
  private definitionsValue: FunctionDefinition[] = [];
  /** Files besides the project files that definitions were read from (OpenAPI files): a save rediscovers. */
  private definitionFiles = new Set<string>();
  private problemsValue: Problem[] = [];
  private readonly states = new Map<string, FunctionDeployState>();
  private discoveredOnce = false;
  private queue: Promise<unknown> = Promise.resolve();
  private lastOutcomeValue: DeployOutcome | undefined;
  private runningValue = 0;
  /** The bundle inputs of each built function (files outside its folder that a save must also redeploy for). */
  private readonly inputs = new Map<string, string[]>();
  private readonly changeEmitter = new Emitter<void>();
  readonly onDidChange = this.changeEmitter.event;

  constructor(
    private readonly workspace: string,
    private readonly hosts: Pick<HostService, 'ensure' | 'current'>,
    private readonly discover: Discover,
    private readonly options: () => { prewarm: boolean; envVarsFile?: string },
    private readonly log: Logger,
    private readonly packager: Packager = unbuiltPackager,
  ) {}

  get definitions(): readonly FunctionDefinition[] {
    return this.definitionsValue;
  }

  get problems(): readonly Problem[] {
    return this.problemsValue;
  }

  get discovered(): boolean {
    return this.discoveredOnce;
  }

  get lastOutcome(): DeployOutcome | undefined {
    return this.lastOutcomeValue;
  }

  /** True while a deploy runs (the status bar spins). */
  get running(): boolean {
    return this.runningValue > 0;
  }

  definition(name: string): FunctionDefinition | undefined {
    return this.definitionsValue.find((d) => d.name === name);
  }

  state(name: string): FunctionDeployState {
    return this.states.get(name) ?? { kind: 'discovered' };
  }

  /** The problems discovery reported about one function (its message starts with its name). */
  problemsOf(name: string): Problem[] {
    return this.problemsValue.filter((p) => p.functionName === name);
  }

  /** Reads the workspace's project files again; no engine work. */
  refreshDiscovery(): Promise<void> {
    return this.serialized(async () => {
      await this.runDiscovery();
    });
  }

  /**
   * Reads the workspace's project files unless that was done already. Serialized with the other work, so
   * callers that ask at once (both views shown together, a command) read them once.
   */
  ensureDiscovered(): Promise<void> {
    return this.serialized(() => this.discoverOnce());
  }

  /** Discovers and deploys every function; the engine is started if it is not running. */
  deployAll(reason: DeployOutcome['reason'] = 'deploy'): Promise<DeployOutcome> {
    return this.serialized(async () => {
      await this.runDiscovery();
      const host = await this.hosts.ensure();
      return this.deployNames(host, reason, this.definitionsValue.map((d) => d.name), true);
    });
  }

  /**
   * When an engine session starts: every function is packaged and registered with this host, and no
   * instance starts (whatever lambdaDock.prewarm says), so the Invoke API and the views know every
   * function at once, and the first invoke costs only the cold start.
   */
  deployOnStart(host: EngineHost): Promise<DeployOutcome | undefined> {
    return this.serialized(async () => {
      // The work that started the session (Deploy Workspace) may have deployed to it already.
      if (host.functions().length > 0) return undefined;
      await this.discoverOnce();
      return this.deployNames(host, 'start', this.definitionsValue.map((d) => d.name), true, false);
    });
  }

  /** Deploys the named functions only (an instance of each starts at the next invoke). */
  deployFunctions(names: string[]): Promise<DeployOutcome> {
    return this.serialized(async () => {
      await this.discoverOnce();
      const host = await this.hosts.ensure();
      return this.deployNames(host, 'deploy', names, false);
    });
  }

  /**
   * Run on save: redeploys what a saved file affects, only while an engine runs and something is
   * deployed (a save never starts the engine). Undefined when the save affects nothing deployed.
   */
  deployForSave(file: string): Promise<DeployOutcome | undefined> {
    return this.deployForChanges([file]);
  }

  /**
   * Files changed on disk, by the editor or not (git checkout, a formatter, npm install): redeploys the
   * functions they affect once, as a save does.
   */
  deployForChanges(files: readonly string[]): Promise<DeployOutcome | undefined> {
    return this.serialized(async () => {
      const host = this.hosts.current;
      const affected = this.affectedBy(files, host ? this.inputs : new Map());
      if (!host || host.functions().length === 0) {
        // Still keep the tree and the diagnostics right when a template changes.
        if (affected === 'all') await this.runDiscovery();
        return undefined;
      }
      if (affected === 'all') {
        await this.runDiscovery();
        return this.deployNames(host, 'save', this.definitionsValue.map((d) => d.name), true);
      }
      const deployed = new Set(host.functions().map((d) => d.name));
      const names = [...affected].filter((name) => deployed.has(name) || this.states.get(name)?.kind === 'error');
      if (names.length === 0) return undefined;
      this.log.info(`[deploy] ${files.length === 1 ? files[0] : `${files.length} files`} changed: redeploying ${names.join(', ')}`);
      return this.deployNames(host, 'save', names, false);
    });
  }

  /** 'all' when a project file, the env-vars file (it sets every function's variables) or an OpenAPI file the definitions read changed. */
  private affectedBy(files: readonly string[], inputs: ReadonlyMap<string, string[]>): 'all' | Set<string> {
    const names = new Set<string>();
    for (const file of files) {
      if (path.resolve(file) === this.options().envVarsFile || this.definitionFiles.has(path.resolve(file))) return 'all';
      const affected = affectedFunctions(file, this.definitionsValue, inputs);
      if (affected === 'all') return 'all';
      for (const name of affected) names.add(name);
    }
    return names;
  }

  /** The engine session ended: nothing is deployed any more (the definitions stay). */
  forgetDeployments(): void {
    for (const [name, state] of this.states) if (state.kind !== 'error') this.states.delete(name);
    this.changeEmitter.fire();
  }

  dispose(): void {
    this.changeEmitter.dispose();
    void this.packager.dispose().catch((error: unknown) => this.log.warn(`[deploy] stopping the builds failed: ${errorMessage(error)}`));
  }

  private async discoverOnce(): Promise<void> {
    if (!this.discoveredOnce) await this.runDiscovery();
  }

  private async runDiscovery(): Promise<void> {
    const discovery = await this.discover(this.workspace);
    this.definitionsValue = discovery.functions;
    this.definitionFiles = new Set(discovery.definitionFiles);
    this.problemsValue = discovery.problems;
    this.discoveredOnce = true;
    const names = new Set(discovery.functions.map((d) => d.name));
    for (const name of [...this.states.keys()]) if (!names.has(name)) this.states.delete(name);
    for (const name of [...this.inputs.keys()]) {
      if (names.has(name)) continue;
      this.inputs.delete(name);
      await this.packager.forget?.(name);
    }
    for (const problem of discovery.problems) this.log.warn(`[discovery] ${problem.file}:${problem.line}: ${problem.message}`);
    this.changeEmitter.fire();
  }

  /** Deploys each function on its own, so one that cannot be packaged does not keep the others out. */
  private async deployNames(host: EngineHost, reason: DeployOutcome['reason'], names: string[], removeMissing: boolean, prewarm = this.options().prewarm): Promise<DeployOutcome> {
    const outcome: DeployOutcome = { reason, deployed: [], failed: [], removed: [], problems: this.problemsValue, at: Date.now() };
    const targets = names.map((name) => this.definition(name)).filter((d): d is FunctionDefinition => d !== undefined);
    this.runningValue += 1;
    for (const definition of targets) this.states.set(definition.name, { kind: 'building' });
    this.changeEmitter.fire();
    try {
      for (const definition of targets) {
        // A function whose handler file is missing cannot run: say so instead of starting it for nothing.
        const blocking = this.problemsOf(definition.name).find((p) => p.code === WORKSPACE_ERROR_CODES.handlerNotFound);
        if (blocking) {
          this.fail(outcome, definition.name, blocking.message);
          // A function whose handler file is gone must not go on answering with its old code.
          host.setBuildFailure(definition, { message: blocking.message, file: blocking.file, line: blocking.line });
          continue;
        }
        let packaged: Awaited<ReturnType<Packager['package']>>;
        try {
          packaged = await this.packager.package(definition);
          for (const warning of packaged.warnings ?? []) this.log.warn(`[deploy] ${warning}`);
        } catch (error) {
          this.fail(outcome, definition.name, errorMessage(error));
          host.setBuildFailure(definition, buildFailureOf(error));
          continue;
        }
        host.setBuildFailure(definition, undefined);
        try {
          this.inputs.set(definition.name, packaged.inputs);
          const report = await host.deploy([packaged.definition], { prewarm, removeMissing: false });
          const change = report.functions[0]?.change ?? 'unchanged';
          this.states.set(definition.name, { kind: 'deployed', at: outcome.at });
          outcome.deployed.push(definition.name);
          this.log.info(`[deploy] ${definition.name}: ${change}`);
        } catch (error) {
          this.fail(outcome, definition.name, errorMessage(error));
        }
      }
      if (removeMissing) {
        const wanted = new Set(this.definitionsValue.map((d) => d.name));
        const stale = host.functions().filter((d) => !wanted.has(d.name));
        if (stale.length > 0) {
          const kept = host.functions().filter((d) => wanted.has(d.name));
          const report = await host.deploy(kept, { removeMissing: true });
          outcome.removed.push(...report.removed);
        }
      }
      this.lastOutcomeValue = outcome;
      return outcome;
    } catch (error) {
      // What did not finish is not deployed: its item must not go on reading "building".
      for (const definition of targets) {
        if (this.states.get(definition.name)?.kind === 'building') this.fail(outcome, definition.name, errorMessage(error));
      }
      throw error;
    } finally {
      this.runningValue -= 1;
      // The status bar's spinner and the tree end with the deploy, whether it finished or threw.
      this.changeEmitter.fire();
    }
  }

  private fail(outcome: DeployOutcome, name: string, error: string): void {
    this.states.set(name, { kind: 'error', reason: error });
    outcome.failed.push({ name, error });
    this.log.warn(`[deploy] ${name} failed: ${error}`);
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
