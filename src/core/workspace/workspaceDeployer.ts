import { EventEmitter } from 'node:events';
import * as path from 'node:path';
import type { FunctionDefinition } from '../functions/definition';
import type { LambdaBackend } from '../engine/backend';
import { DockerBackend } from '../engine/dockerBackend';
import { errorMessage } from '../errors';
import type { BuildFailure } from '../runtime/invoker';
import { buildFailureOf } from './errors';
import type { DeployChange, DeployReport } from '../runtime/functionHost';
import { discoverFunctions, type DiscoveryOptions } from './discovery';
import { functionRoots } from './functionRoots';
import { buildFunctionImage, type ImageBuildProgress } from './imageBuilder';
import { FunctionPackager, type PackagedFunction } from './packager';
import type { Problem } from './problem';
import { projectFileKind } from './projectFiles';
import { WorkspaceWatcher } from './workspaceWatcher';

/** What the deployer needs of the engine (FunctionHost). */
export interface DeployHost {
  deploy(definitions: readonly FunctionDefinition[], options?: { prewarm?: boolean }): Promise<DeployReport>;
  prewarm(name: string): Promise<void>;
  /** A function whose build fails must not go on running its last good build unnoticed. */
  setBuildFailure(definition: FunctionDefinition, failure: BuildFailure | undefined): void;
  readonly backend: LambdaBackend;
  readonly session: { readonly id: string };
}

export interface FunctionDeployResult {
  name: string;
  /** 'failed': it did not build; its invokes fail with that build error until it builds again. */
  change: DeployChange | 'failed';
  buildMs?: number;
  /** False for a cold esbuild build, true for an incremental rebuild. */
  incremental?: boolean;
  packageMs: number;
  imageBuildMs?: number;
  prewarmMs?: number;
  error?: string;
  /** What packaging left out and why (a dangling link), without failing. */
  warnings?: string[];
}

export interface WorkspaceDeployReport {
  /** 'deploy' for a full deploy, 'watch' for a redeploy after saves. */
  reason: 'deploy' | 'watch';
  /** The saved files that caused a watch redeploy (relative to the workspace). */
  changedFiles: string[];
  functions: FunctionDeployResult[];
  removed: string[];
  problems: Problem[];
  timings: { discoverMs: number; buildMs: number; deployMs: number; prewarmMs: number; totalMs: number };
}

export interface WorkspaceDeployerOptions extends Omit<DiscoveryOptions, 'signal'> {
  workspace: string;
  /** Start one instance of each new or changed function at once, so its next invoke is warm. */
  prewarm?: boolean;
  /** Quiet time after the last file event before a redeploy (ms). */
  debounceMs?: number;
}

/**
 * Deploys a workspace into the engine: discover, build, package, register every function (images built or
 * pre-pulled), optionally pre-warm. watch() then redeploys only the functions a save affects. Emits
 * 'deployed' (WorkspaceDeployReport), 'imageProgress' (ImageBuildProgress) and 'error' (Error) for a
 * redeploy that failed as a whole.
 */
export class WorkspaceDeployer extends EventEmitter {
  private readonly packager = new FunctionPackager();
  private discovered = new Map<string, FunctionDefinition>();
  /** Files besides the project files that definitions were read from (OpenAPI files): a change rediscovers. */
  private definitionFiles = new Set<string>();
  private packaged = new Map<string, PackagedFunction>();
  private watcher: WorkspaceWatcher | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(private readonly host: DeployHost, private readonly options: WorkspaceDeployerOptions) {
    super();
  }

  /** Discovers and deploys the whole workspace. */
  deploy(signal?: AbortSignal): Promise<WorkspaceDeployReport> {
    return this.serialized(() => this.run('deploy', [], undefined, signal));
  }

  /** Starts watching the workspace; each redeploy is reported with 'deployed'. Deploys first if needed. */
  async watch(signal?: AbortSignal): Promise<WorkspaceDeployReport | undefined> {
    const first = this.discovered.size === 0 ? await this.deploy(signal) : undefined;
    if (this.watcher || this.disposed) return first;
    this.watcher = new WorkspaceWatcher(this.options.workspace, { debounceMs: this.options.debounceMs ?? 25 });
    this.watcher.on('changes', (files: string[]) => {
      void this.serialized(async () => {
        try {
          const report = await this.redeployFor(files);
          if (report) this.emit('deployed', report);
        } catch (error) {
          this.emit('error', error);
        }
      });
    });
    this.watcher.on('error', (error: unknown) => this.emit('error', error));
    await this.watcher.start();
    return first;
  }

  /** The functions a change to these absolute paths affects; undefined when a project file changed (all). */
  affectedBy(files: readonly string[]): Set<string> | undefined {
    const affected = new Set<string>();
    for (const file of files) {
      // A project file or the env-vars file: every definition may have changed.
      if (projectFileKind(file) !== undefined || file === this.options.envVarsFile || this.definitionFiles.has(file)) return undefined;
      for (const [name, definition] of this.discovered) {
        if (watchedRoots(definition, this.packaged.get(name)).some((root) => file === root || file.startsWith(root + path.sep))) affected.add(name);
      }
    }
    return affected;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.watcher?.dispose();
    this.watcher = undefined;
    await this.queue.catch(() => undefined);
    await this.packager.dispose();
    this.removeAllListeners();
  }

  private async redeployFor(files: string[]): Promise<WorkspaceDeployReport | undefined> {
    const affected = this.affectedBy(files);
    if (affected && affected.size === 0) return undefined;
    const relative = files.map((f) => path.relative(this.options.workspace, f));
    return this.run('watch', relative, affected);
  }

  /**
   * One deploy: discovery when needed (`only` undefined), packaging of `only` (or all), then the engine
   * gets the complete set and says which changed.
   */
  private async run(reason: 'deploy' | 'watch', changedFiles: string[], only: Set<string> | undefined, signal?: AbortSignal): Promise<WorkspaceDeployReport> {
    const started = performance.now();
    let problems: Problem[] = [];
    let discoverMs = 0;
    if (!only) {
      const discovery = await discoverFunctions(this.options.workspace, { ...this.options, ...(signal ? { signal } : {}) });
      discoverMs = performance.now() - started;
      problems = discovery.problems;
      const names = new Set(discovery.functions.map((f) => f.name));
      for (const name of this.discovered.keys()) {
        if (names.has(name)) continue;
        this.packaged.delete(name);
        await this.packager.forget(name);
      }
      this.discovered = new Map(discovery.functions.map((f) => [f.name, f]));
      this.definitionFiles = new Set(discovery.definitionFiles);
    }
    const toPackage = [...this.discovered.values()].filter((f) => !only || only.has(f.name));

    const buildStarted = performance.now();
    const results = new Map<string, FunctionDeployResult>();
    // One at a time: esbuild and the hashing share two cores; parallel builds only contend.
    for (const definition of toPackage) {
      signal?.throwIfAborted();
      const t0 = performance.now();
      try {
        const packaged = await this.packager.package(definition, signal);
        let imageBuildMs: number | undefined;
        if (definition.image?.build) imageBuildMs = await this.buildImage(definition, signal);
        this.packaged.set(definition.name, packaged);
        this.host.setBuildFailure(definition, undefined);
        results.set(definition.name, {
          name: definition.name,
          change: 'unchanged',
          packageMs: packaged.timings.codeMs + packaged.timings.layersMs,
          ...(packaged.timings.buildMs !== undefined ? { buildMs: packaged.timings.buildMs, incremental: packaged.incrementalBuild ?? false } : {}),
          ...(imageBuildMs !== undefined ? { imageBuildMs } : {}),
          ...(packaged.warnings.length ? { warnings: packaged.warnings } : {}),
        });
      } catch (error) {
        if (signal?.aborted) throw error;
        this.host.setBuildFailure(definition, buildFailureOf(error));
        results.set(definition.name, { name: definition.name, change: 'failed', packageMs: performance.now() - t0, error: errorMessage(error) });
      }
    }
    const buildMs = performance.now() - buildStarted;

    // The engine keeps every function that has ever built, so its instances and name stay; one whose
    // build fails now answers invokes with that failure (setBuildFailure) until it builds again.
    const deployable = [...this.discovered.keys()].map((name) => this.packaged.get(name)?.definition).filter((d): d is FunctionDefinition => !!d);
    const deployStarted = performance.now();
    const engineReport = await this.host.deploy(deployable, { prewarm: false });
    const deployMs = performance.now() - deployStarted;
    for (const entry of engineReport.functions) {
      const result = results.get(entry.name);
      if (result && result.change !== 'failed') result.change = entry.change;
      else if (!result && entry.change !== 'unchanged') results.set(entry.name, { name: entry.name, change: entry.change, packageMs: 0 });
    }

    const prewarmStarted = performance.now();
    if (this.options.prewarm) {
      const changed = [...results.values()].filter((r) => r.change === 'added' || r.change === 'changed');
      await Promise.all(changed.map(async (r) => {
        const t0 = performance.now();
        try {
          await this.host.prewarm(r.name);
          r.prewarmMs = performance.now() - t0;
        } catch (error) {
          r.error = `pre-warm failed: ${errorMessage(error)}`;
        }
      }));
    }
    const prewarmMs = performance.now() - prewarmStarted;
    return {
      reason,
      changedFiles,
      functions: [...results.values()],
      removed: engineReport.removed,
      problems,
      timings: { discoverMs, buildMs, deployMs, prewarmMs, totalMs: performance.now() - started },
    };
  }

  /** A function as the workspace describes it (before packaging), from the last discovery. */
  definition(name: string): FunctionDefinition | undefined {
    return this.discovered.get(name);
  }

  private async buildImage(definition: FunctionDefinition, signal?: AbortSignal): Promise<number | undefined> {
    if (!(this.host.backend instanceof DockerBackend) || !definition.image) return undefined;
    const result = await buildFunctionImage(this.host.backend.docker, definition.image, {
      labels: { 'lambda-dock.session': this.host.session.id, 'lambda-dock.function': definition.name },
      onProgress: (p: ImageBuildProgress) => this.emit('imageProgress', p),
      ...(signal ? { signal } : {}),
    });
    return result.durationMs;
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/** The folders and files whose change means the function must be rebuilt and redeployed. */
function watchedRoots(definition: FunctionDefinition, packaged: PackagedFunction | undefined): string[] {
  return [...functionRoots(definition), ...(packaged?.inputs ?? [])];
}
