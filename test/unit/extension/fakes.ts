import { EventEmitter } from 'node:events';
import * as path from 'node:path';
import { LABELS, type ContainerLogOptions, type LambdaBackend, type ManagedContainer, type StaleReport } from '../../../src/core/engine/backend';
import { staleInWorkspaces } from '../../../src/core/engine/workspaceContainers';
import { withLambdaDefaults, type FunctionDefinition } from '../../../src/core/functions/definition';
import { LambdaDockError } from '../../../src/core/errors';
import type { DeployReport, FunctionHostOptions } from '../../../src/core/runtime/functionHost';
import type { InvokeResult } from '../../../src/core/runtime/invokeResult';
import { buildFailed } from '../../../src/core/runtime/invokeErrors';
import type { BuildFailure } from '../../../src/core/runtime/invoker';
import type { InstanceSnapshot } from '../../../src/core/runtime/warmInstance';
import type { Logger } from '../../../src/core/log';
import type { EngineHost, HostFactory } from '../../../src/extension/engine/engineHost';

export const quietLog: Logger & { lines: string[] } = {
  lines: [],
  debug(m) { this.lines.push(`debug ${m}`); },
  info(m) { this.lines.push(`info ${m}`); },
  warn(m) { this.lines.push(`warn ${m}`); },
  error(m) { this.lines.push(`error ${m}`); },
};

export function definition(name: string, codeDir: string, extra: Partial<FunctionDefinition> = {}): FunctionDefinition {
  return withLambdaDefaults({ name, runtime: 'nodejs20.x', handler: 'app.handler', codeDir, source: { file: path.join(codeDir, 'template.yaml'), line: 5 }, ...extra });
}

/** A backend that keeps its containers in memory, as the engine would list them. */
export class FakeBackend implements LambdaBackend {
  readonly name = 'docker';
  readonly isolated = true;
  readonly endpoint = '/var/run/docker.sock';
  containers: ManagedContainer[] = [];
  terminated: string[] = [];
  disposed = false;
  listFailure: Error | undefined;

  async runtimeApiEndpoint() {
    return { bindAddress: '127.0.0.1', advertisedHost: '127.0.0.1', identity: { kind: 'secretPath' as const } };
  }
  async launch(): Promise<never> {
    throw new Error('the fake backend launches nothing');
  }
  async terminate(instanceId: string): Promise<void> {
    this.terminated.push(instanceId);
    this.containers = this.containers.filter((c) => c.labels[LABELS.instance] !== instanceId);
  }
  async prepullImage(): Promise<boolean> {
    return false;
  }
  async imageExists(): Promise<boolean> {
    return true;
  }
  async reapStale(options: { workspaces?: readonly string[] } = {}): Promise<StaleReport> {
    const stale = options.workspaces ? staleInWorkspaces(this.containers, options.workspaces) : this.containers.filter((c) => c.stale);
    this.containers = this.containers.filter((c) => !stale.includes(c));
    return { containers: stale.map((c) => c.name), networks: [], volumes: [] };
  }
  async listManaged(): Promise<ManagedContainer[]> {
    if (this.listFailure) throw this.listFailure;
    return this.containers.map((c) => ({ ...c }));
  }
  async stopContainer(id: string): Promise<void> {
    const container = this.containers.find((c) => c.id === id);
    if (container) container.state = 'exited';
  }
  async removeContainer(id: string): Promise<void> {
    this.containers = this.containers.filter((c) => c.id !== id);
  }
  async containerLogs(_id: string, _options: ContainerLogOptions, onText: (text: string) => void): Promise<void> {
    onText('hello\n');
  }
  async dispose(): Promise<void> {
    this.disposed = true;
  }
}

/**
 * A host that registers functions as FunctionHost does (fingerprint per definition, 'added' / 'changed' /
 * 'unchanged', removeMissing) and answers invokes with a canned response, without an engine.
 */
export class FakeHost extends EventEmitter implements EngineHost {
  readonly backend = new FakeBackend();
  readonly session = { id: 'sess00000001' };
  private readonly registered = new Map<string, { definition: FunctionDefinition; fingerprint: string }>();
  deployCalls: string[][] = [];
  failPackaging = new Set<string>();
  instanceList: InstanceSnapshot[] = [];
  disposed = false;

  /** The functions deploy() started an instance of (prewarm). */
  prewarmed: string[] = [];

  async deploy(definitions: readonly FunctionDefinition[], options: { removeMissing?: boolean; prewarm?: boolean } = {}): Promise<DeployReport> {
    this.deployCalls.push(definitions.map((d) => d.name));
    const failing = definitions.find((d) => this.failPackaging.has(d.name));
    if (failing) throw new LambdaDockError('WORKSPACE_BUILD_FAILED', `app.ts:3:7: ERROR: Expected ";" but found "x"`);
    const report: DeployReport = { functions: [], removed: [] };
    for (const definition of definitions) {
      const fingerprint = JSON.stringify(definition);
      const existing = this.registered.get(definition.name);
      const change = !existing ? 'added' : existing.fingerprint === fingerprint ? 'unchanged' : 'changed';
      this.registered.set(definition.name, { definition, fingerprint });
      report.functions.push({ name: definition.name, change, fingerprint, packageMs: 0 });
    }
    if (options.removeMissing !== false) {
      const wanted = new Set(definitions.map((d) => d.name));
      for (const name of [...this.registered.keys()]) {
        if (!wanted.has(name)) {
          this.registered.delete(name);
          report.removed.push(name);
        }
      }
    }
    if (options.prewarm) this.prewarmed.push(...report.functions.filter((f) => f.change !== 'unchanged').map((f) => f.name));
    this.emit('change');
    return report;
  }
  async prewarm(name: string): Promise<void> {
    this.prewarmed.push(name);
  }
  async stopInstance(instanceId: string): Promise<boolean> {
    const known = this.instanceList.some((i) => i.instanceId === instanceId);
    await this.backend.terminate(instanceId);
    this.instanceList = this.instanceList.filter((i) => i.instanceId !== instanceId);
    return known;
  }
  containers(): Promise<ManagedContainer[]> {
    return this.backend.listManaged();
  }
  async stopContainer(id: string): Promise<void> {
    const own = this.instanceList.find((i) => i.containerId === id);
    if (own) await this.stopInstance(own.instanceId);
    else await this.backend.stopContainer(id);
  }
  async removeContainer(id: string): Promise<void> {
    const own = this.instanceList.find((i) => i.containerId === id);
    if (own) await this.stopInstance(own.instanceId);
    else await this.backend.removeContainer(id);
  }
  containerLogs(id: string, options: ContainerLogOptions, onText: (text: string) => void): Promise<void> {
    return this.backend.containerLogs(id, options, onText);
  }
  reapStale(options?: { workspaces?: readonly string[] }): Promise<StaleReport> {
    return this.backend.reapStale(options);
  }
  async invoke(name: string, payload: Buffer): Promise<InvokeResult> {
    const failure = this.buildFailures.get(name);
    if (failure) throw buildFailed(name, failure);
    return {
      requestId: 'req-1',
      functionName: name,
      status: 'ok',
      payload,
      logs: 'START\nEND\nREPORT\n',
      report: { durationMs: 1, billedDurationMs: 1, memorySizeMB: 128, maxMemoryUsedMB: 40 },
      coldStart: true,
      instanceId: 'inst',
    };
  }
  functions(): FunctionDefinition[] {
    return [...this.registered.values()].map((r) => r.definition);
  }
  getFunction(name: string): FunctionDefinition | undefined {
    return this.registered.get(name)?.definition;
  }
  readonly buildFailures = new Map<string, BuildFailure>();
  setBuildFailure(definition: FunctionDefinition, failure: BuildFailure | undefined): void {
    if (failure) this.buildFailures.set(definition.name, failure);
    else this.buildFailures.delete(definition.name);
  }
  buildFailureOf(name: string): BuildFailure | undefined {
    return this.buildFailures.get(name);
  }
  instances(): InstanceSnapshot[] {
    return this.instanceList;
  }
  readonly debugModes = new Map<string, { port: number }>();
  setDebugMode(name: string, options: { port?: number } | undefined): void {
    if (options) this.debugModes.set(name, { port: options.port ?? 0 });
    else this.debugModes.delete(name);
    this.emit('change');
  }
  debugMode(name: string): { port: number } | undefined {
    return this.debugModes.get(name);
  }
  async terminateInstance(instanceId: string): Promise<void> {
    await this.backend.terminate(instanceId);
  }
  async dispose(): Promise<void> {
    this.disposed = true;
    await this.backend.dispose();
  }
}

/** A factory that hands out FakeHosts, or fails like detectEngine does when no engine answers. */
export function fakeFactory(): HostFactory & { hosts: FakeHost[]; options: FunctionHostOptions[]; unreachable: boolean } {
  const factory = Object.assign(
    async (options: FunctionHostOptions) => {
      factory.options.push(options);
      if (factory.unreachable) throw new LambdaDockError('ENGINE_NOT_FOUND', 'No Docker or Podman engine answers: start Docker or set lambdaDock.engine');
      const host = new FakeHost();
      factory.hosts.push(host);
      return host;
    },
    { hosts: [] as FakeHost[], options: [] as FunctionHostOptions[], unreachable: false },
  );
  return factory;
}

export function managed(partial: Partial<ManagedContainer> & { id: string }): ManagedContainer {
  return {
    name: `lambda-dock-${partial.id}`,
    functionName: 'Hello',
    session: 'sess00000001',
    state: 'running',
    status: 'Up 2 minutes',
    image: 'lambda-dock/nodejs-local:20',
    createdAt: new Date(1_700_000_000_000),
    stale: false,
    ...partial,
    labels: { [LABELS.workspace]: '/ws', ...partial.labels },
  };
}
