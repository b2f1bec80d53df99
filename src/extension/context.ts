import * as vscode from 'vscode';
import { InvokeApiServer } from '../core/api/server';
import { errorMessage } from '../core/errors';
import { FunctionHost } from '../core/runtime/functionHost';
import { discoverFunctions } from '../core/workspace/discovery';
import { ContainerOps } from './engine/containerOps';
import type { EngineHost } from './engine/engineHost';
import { HostService } from './engine/hostService';
import { InvokeApiService, type InvokeApiFactory } from './engine/invokeApiService';
import { DeployOnSave } from './editor/deployOnSave';
import { Diagnostics } from './editor/diagnostics';
import { FunctionOutputs } from './editor/functionOutputs';
import { diagnosticsFor } from './editor/problemDiagnostics';
import { ResultDocuments } from './editor/resultDocuments';
import { StatusBar } from './editor/statusBar';
import { ExtensionLog } from './log';
import { ContainersStore } from './model/containersStore';
import { FunctionsStore } from './model/functionsStore';
import { Settings } from './settings';
import type { SettingsService } from './settingsModel';
import { DeployService } from './workspace/deployService';
import { lazyPackager } from './workspace/lazyPackager';

/** The Invoke API server of src/core/api, on 127.0.0.1 (it has no authentication). */
const invokeApiFactory: InvokeApiFactory = ({ invoker, port, log }) => new InvokeApiServer({ invoker, port, log });

/** The last invocation, for Invoke Again and Save Payload as Event. */
export interface LastInvocation {
  functionName: string;
  payload: Buffer;
}

/**
 * Owns every long-lived service of the extension (like rust-analyzer's Ctx): built once by activate(),
 * handed to the views and the commands, and disposed by deactivate() (instances terminated, session ended).
 */
export class LambdaDockContext implements vscode.Disposable {
  readonly log: ExtensionLog;
  readonly settings: Settings;
  readonly workspace: string | undefined;
  readonly hosts: HostService;
  readonly deploys: DeployService;
  readonly functions: FunctionsStore;
  readonly containers: ContainersStore;
  readonly results: ResultDocuments;
  readonly outputs: FunctionOutputs;
  readonly statusBar: StatusBar;
  readonly diagnostics: Diagnostics;
  readonly deployOnSave: DeployOnSave;
  readonly invokeApi: InvokeApiService;
  lastInvocation: LastInvocation | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  constructor(readonly extension: vscode.ExtensionContext) {
    this.log = this.own(new ExtensionLog());
    this.settings = this.own(new Settings());
    this.workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const workspace = this.workspace ?? '';
    this.hosts = new HostService(workspace, () => this.settings.current, (options) => FunctionHost.start(options) as Promise<EngineHost>, this.log);
    this.deploys = this.own(
      new DeployService(
        workspace,
        this.hosts,
        (dir) => (dir ? discoverFunctions(dir) : Promise.resolve({ functions: [], problems: [] })),
        () => ({ prewarm: this.settings.current.prewarm }),
        this.log,
        lazyPackager(this.log),
      ),
    );
    this.functions = this.own(new FunctionsStore(this.deploys, this.hosts));
    this.containers = this.own(new ContainersStore(this.hosts, this.log.component('containers')));
    this.results = this.own(new ResultDocuments());
    this.outputs = this.own(new FunctionOutputs());
    this.statusBar = this.own(new StatusBar());
    this.diagnostics = this.own(new Diagnostics());
    this.deployOnSave = this.own(new DeployOnSave(workspace, this.deploys, this.log.component('save')));
    this.invokeApi = new InvokeApiService(invokeApiFactory, () => this.settings.current.invokeApiPort, this.log);

    this.own(this.hosts.onDidChangeState((state) => {
      void vscode.commands.executeCommand('setContext', 'lambdaDock.engineState', state.kind);
      this.updateStatus();
    }));
    this.own(this.hosts.onDidRestart((host) => void this.redeploy(host)));
    // The Invoke API serves whichever host runs: it starts with the engine and follows its restarts.
    this.own(this.hosts.onDidChangeState((state) => void this.invokeApi.update(state.kind === 'ready' ? this.hosts.current : undefined)));
    this.own(this.deploys.onDidChange(() => {
      void vscode.commands.executeCommand('setContext', 'lambdaDock.noFunctions', this.deploys.discovered && this.deploys.definitions.length === 0);
      this.updateDiagnostics();
      this.updateStatus();
    }));
    this.own(this.settings.onDidChange((services) => void this.onSettingsChanged(services)));
    if (this.settings.current.deployOnSave) this.deployOnSave.start();
    void vscode.commands.executeCommand('setContext', 'lambdaDock.engineState', 'idle');
  }

  /** The engine, started on first use (a view shown, a command run). */
  ensureHost(): Promise<EngineHost> {
    return this.hosts.ensure();
  }

  async containerOps(): Promise<ContainerOps> {
    return new ContainerOps(await this.ensureHost());
  }

  /** Every folder of the window (the first is `workspace`): stale cleanup covers all of them. */
  workspaceFolders(): string[] {
    return (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  }

  /** The workspace folder, or an error that says to open one. */
  requireWorkspace(): string {
    if (!this.workspace) throw new Error('Open a folder with a template.yaml, serverless.yml or lambda-dock.json first.');
    return this.workspace;
  }

  showLog(): void {
    this.log.show();
  }

  /** Ends this window's engine session, keeping the extension running: the next command starts a new one. */
  async endSession(): Promise<void> {
    await this.hosts.stop();
    this.deploys.forgetDeployments();
  }

  /** Ends the engine session (instances terminated, liveness socket removed); awaited by deactivate(). */
  async disposeAsync(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.deployOnSave.stop();
    await this.invokeApi.update(undefined);
    await this.hosts.dispose();
    this.dispose();
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0).reverse()) {
      try {
        disposable.dispose();
      } catch (error) {
        this.log.error(`disposing failed: ${errorMessage(error)}`);
      }
    }
  }

  own<T extends vscode.Disposable>(disposable: T): T {
    this.disposables.push(disposable);
    return disposable;
  }

  private async redeploy(host: EngineHost): Promise<void> {
    const names = this.deploys.definitions.filter((d) => this.deploys.state(d.name).kind === 'deployed').map((d) => d.name);
    try {
      await this.deploys.redeployAfterRestart(host, names);
    } catch (error) {
      this.log.error('redeploying after the engine restarted failed', error);
    }
  }

  private async onSettingsChanged(services: Set<SettingsService>): Promise<void> {
    this.log.info(`settings changed: restarting ${[...services].join(', ')}`);
    if (services.has('deployOnSave')) {
      if (this.settings.current.deployOnSave) this.deployOnSave.start();
      else this.deployOnSave.stop();
    }
    if (services.has('host')) await this.hosts.restart();
    else if (services.has('invokeApi')) await this.invokeApi.update(this.hosts.current);
    this.updateStatus();
  }

  private updateDiagnostics(): void {
    if (!this.workspace) return;
    const failed = this.deploys.definitions
      .map((d) => ({ name: d.name, state: this.deploys.state(d.name) }))
      .flatMap(({ name, state }) => (state.kind === 'error' ? [{ name, error: state.reason }] : []));
    this.diagnostics.set(diagnosticsFor(this.deploys.problems, failed, this.deploys.definitions, this.workspace));
  }

  private updateStatus(): void {
    this.statusBar.update({
      engine: this.hosts.state,
      deploying: this.deploys.running,
      ...(this.deploys.lastOutcome ? { last: this.deploys.lastOutcome } : {}),
      deployOnSave: this.deployOnSave.running,
    });
  }
}
