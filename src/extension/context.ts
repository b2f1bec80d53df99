import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ERRORS, extensionError } from './errors';
import { InvokeApiServer } from '../core/api/server';
import { errorMessage } from '../core/errors';
import { FunctionHost } from '../core/runtime/functionHost';
import { discoverFunctions } from '../core/workspace/discovery';
import { DebugSessions } from './debug/debugSessions';
import type { EngineHost } from './engine/engineHost';
import { HostService } from './engine/hostService';
import { InvokeApiService, type InvokeApiFactory } from './engine/invokeApiService';
import { DeployOnSave } from './editor/deployOnSave';
import { Diagnostics } from './editor/diagnostics';
import { FunctionOutputs } from './editor/functionOutputs';
import { diagnosticsFor } from './editor/problemDiagnostics';
import { LogDocuments } from './editor/logDocuments';
import { PayloadDrafts } from './invoke/payloadDrafts';
import { ResultPanels } from './results/resultPanels';
import { StatusBar } from './editor/statusBar';
import { ExtensionLog } from './log';
import { apiGatewayFactory, ApiGatewayService } from './routes/apiGatewayService';
import { ContainersStore } from './model/containersStore';
import { FunctionsStore } from './model/functionsStore';
import { Settings } from './settings';
import type { SettingsService } from './settingsModel';
import { DeployService } from './workspace/deployService';
import { lazyPackager } from './workspace/lazyPackager';
import { plural } from './views/treeNode';

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
  readonly results: ResultPanels;
  readonly logDocuments: LogDocuments;
  readonly drafts: PayloadDrafts;
  readonly outputs: FunctionOutputs;
  readonly statusBar: StatusBar;
  readonly diagnostics: Diagnostics;
  readonly deployOnSave: DeployOnSave;
  readonly invokeApi: InvokeApiService;
  /** The workspace's HTTP APIs (API Gateway routes), started on first use. */
  readonly apiGateway: ApiGatewayService;
  readonly debugSessions: DebugSessions;
  private lastInvocationValue: LastInvocation | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  constructor(readonly extension: vscode.ExtensionContext) {
    this.log = this.own(new ExtensionLog());
    this.settings = this.own(new Settings());
    this.workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const workspace = this.workspace ?? '';
    this.hosts = new HostService(
      workspace,
      () => this.settings.current,
      (options) => FunctionHost.start(options) as Promise<EngineHost>,
      this.log,
      vscode.workspace.isTrusted,
    );
    this.deploys = this.own(
      new DeployService(
        workspace,
        this.hosts,
        (dir) => (dir ? discoverFunctions(dir, this.envVarsFile ? { envVarsFile: this.envVarsFile } : {}) : Promise.resolve({ functions: [], problems: [] })),
        () => ({ prewarm: this.settings.current.prewarm, ...(this.envVarsFile ? { envVarsFile: this.envVarsFile } : {}) }),
        this.log,
        lazyPackager(this.log),
      ),
    );
    this.functions = this.own(new FunctionsStore(this.deploys, this.hosts));
    this.containers = this.own(new ContainersStore(this.hosts, this.log.component('containers'), () => this.workspaceFolders()));
    this.results = this.own(new ResultPanels(this.log.component('results'), vscode.Uri.joinPath(extension.extensionUri, 'media', 'lambda-dock.svg')));
    this.logDocuments = this.own(new LogDocuments());
    this.drafts = this.own(new PayloadDrafts((extension.storageUri ?? extension.globalStorageUri).fsPath));
    this.outputs = this.own(new FunctionOutputs());
    this.statusBar = this.own(new StatusBar());
    this.diagnostics = this.own(new Diagnostics());
    this.deployOnSave = this.own(new DeployOnSave(workspace, this.deploys, this.log.component('save')));
    this.invokeApi = new InvokeApiService(invokeApiFactory, () => this.settings.current.invokeApiPort, this.log);
    this.apiGateway = this.own(new ApiGatewayService(apiGatewayFactory, () => this.settings.current.apiPort, this.log));
    this.own(this.apiGateway.onDidChange(() => this.updateStatus()));
    // Routes follow the workspace: a deploy or a saved template changes what the APIs serve.
    this.own(this.deploys.onDidChange(() => {
      this.apiGateway.refresh();
      void vscode.commands.executeCommand('setContext', 'lambdaDock.hasRoutes', this.deploys.definitions.some((d) => (d.routes?.length ?? 0) > 0));
    }));
    this.own(this.hosts.onDidChangeState((state) => void this.apiGateway.hostChanged(state.kind === 'ready' ? this.hosts.current : undefined)));
    this.debugSessions = this.own(new DebugSessions(this));

    this.own(this.hosts.onDidChangeState((state) => {
      void vscode.commands.executeCommand('setContext', 'lambdaDock.engineState', state.kind);
      this.updateStatus();
    }));
    // Every session starts with the workspace deployed (packaged, no instance started): after a reload the
    // functions read "deployed" and the Invoke API knows them before anything else runs.
    this.own(this.hosts.onDidStartSession((host) => void this.deployOnStart(host)));
    // Every function's output reaches its channel as it is written, whoever invoked it.
    this.own(this.hosts.onFunctionLog((event) => this.outputs.append(event.functionName, event.text)));
    this.own(this.hosts.onDidChangeInstances(() => {
      const running = this.hosts.current?.instances().some((i) => i.state !== 'stopped') ?? false;
      void vscode.commands.executeCommand('setContext', 'lambdaDock.hasInstances', running);
    }));
    // The Invoke API serves whichever host runs: it starts with the engine and follows its restarts.
    this.own(this.hosts.onDidChangeState((state) => void this.invokeApi.update(state.kind === 'ready' ? this.hosts.current : undefined).then(() => this.updateStatus())));
    this.own(this.deploys.onDidChange(() => {
      void vscode.commands.executeCommand('setContext', 'lambdaDock.noFunctions', this.deploys.discovered && this.deploys.definitions.length === 0);
      this.updateDiagnostics();
      this.updateStatus();
    }));
    this.own(this.settings.onDidChange((services) => void this.onSettingsChanged(services)));
    this.own(vscode.workspace.onDidGrantWorkspaceTrust(() => {
      this.log.info('the workspace is trusted now: its functions may build and run');
      this.hosts.trust();
      if (this.settings.current.deployOnSave) this.deployOnSave.start();
    }));
    // Nothing builds on save in an untrusted workspace (esbuild would run the workspace's plugins and config).
    if (this.settings.current.deployOnSave && vscode.workspace.isTrusted) this.deployOnSave.start();
    void vscode.commands.executeCommand('setContext', 'lambdaDock.engineState', this.hosts.state.kind);
  }

  /** The last invocation, for Invoke Again and Save Payload as Event (their palette entries follow it). */
  get lastInvocation(): LastInvocation | undefined {
    return this.lastInvocationValue;
  }

  set lastInvocation(value: LastInvocation | undefined) {
    this.lastInvocationValue = value;
    void vscode.commands.executeCommand('setContext', 'lambdaDock.hasLastInvocation', value !== undefined);
  }

  /** lambdaDock.envVarsFile as an absolute path (relative ones are the workspace folder's), or undefined. */
  get envVarsFile(): string | undefined {
    const setting = this.settings.current.envVarsFile;
    if (!setting) return undefined;
    return path.resolve(this.workspace ?? '', setting);
  }

  /** The engine, started on first use (a view shown, a command run). */
  ensureHost(): Promise<EngineHost> {
    return this.hosts.ensure();
  }

  /** Every folder of the window (the first is `workspace`): stale cleanup covers all of them. */
  workspaceFolders(): string[] {
    return (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  }

  /** The workspace folder, or an error that says to open one. */
  requireWorkspace(): string {
    if (!this.workspace) throw extensionError(EXTENSION_ERRORS.noWorkspace, 'Open a folder with a template.yaml, serverless.yml or lambda-dock.json first.');
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
    await this.apiGateway.stop();
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

  private async deployOnStart(host: EngineHost): Promise<void> {
    if (!this.workspace) return;
    try {
      const outcome = await this.deploys.deployOnStart(host);
      if (!outcome) return;
      this.log.info(`[deploy] session start: ${plural(outcome.deployed.length, 'function')} deployed${outcome.failed.length ? `, ${outcome.failed.length} failed (see Problems)` : ''}`);
    } catch (error) {
      this.log.error('deploying the workspace when the engine started failed', error);
    }
  }

  private async onSettingsChanged(services: Set<SettingsService>): Promise<void> {
    this.log.info(`settings changed: restarting ${[...services].join(', ')}`);
    if (services.has('deployOnSave')) {
      if (this.settings.current.deployOnSave) this.deployOnSave.start();
      else this.deployOnSave.stop();
    }
    // Another env-vars file: the definitions change; what is deployed is deployed again with them.
    if (services.has('discovery')) {
      if (this.hosts.current) await this.deploys.deployAll('deploy');
      else await this.deploys.refreshDiscovery();
    }
    if (services.has('host')) await this.hosts.restart();
    else if (services.has('invokeApi')) await this.invokeApi.update(this.hosts.current);
    if (services.has('apiGateway') && !services.has('host')) await this.apiGateway.restart();
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
      ...(this.apiGateway.url ? { apiUrl: this.apiGateway.url } : {}),
      ...(this.invokeApi.endpoint ? { invokeApiUrl: this.invokeApi.endpoint } : {}),
    });
  }
}
