import { errorMessage, isLambdaDockError } from '../../core/errors';
import type { Logger } from '../../core/log';
import type { FunctionLogEvent } from '../../core/runtime/functionPool';
import type { LambdaDockSettings } from '../settingsModel';
import { Emitter, type Disposable } from '../util/emitter';
import { untrustedWorkspace } from '../errors';
import { hasEngineEvents, type EngineHost, type HostFactory } from './engineHost';

export type EngineState =
  /** Nothing started yet: activation does no engine work until a view is shown or a command runs. */
  | { kind: 'idle' }
  /** The workspace is not trusted: no engine starts, so nothing builds, deploys or runs. */
  | { kind: 'untrusted' }
  | { kind: 'starting' }
  | { kind: 'ready'; engine: string; endpoint: string; isolated: boolean }
  | { kind: 'unreachable'; message: string; code?: string };

/**
 * Owns the FunctionHost (session, backend, warm pools) for one workspace: starts it on first use,
 * restarts it when an engine setting changes, and disposes it (instances terminated, sockets removed).
 */
export class HostService implements Disposable {
  private host: EngineHost | undefined;
  private starting: Promise<EngineHost> | undefined;
  private stateValue: EngineState = { kind: 'idle' };
  private unsubscribe: Array<() => void> = [];
  private generation = 0;
  private readonly stateEmitter = new Emitter<EngineState>();
  private readonly instancesEmitter = new Emitter<void>();
  private readonly engineEventEmitter = new Emitter<void>();
  private readonly startedEmitter = new Emitter<EngineHost>();
  private readonly sessionEmitter = new Emitter<EngineHost>();
  private readonly logEmitter = new Emitter<FunctionLogEvent>();

  /** The engine state changed (welcome content, status bar). */
  readonly onDidChangeState = this.stateEmitter.event;
  /** Functions or instances of the host changed. */
  readonly onDidChangeInstances = this.instancesEmitter.event;
  /** A container of this project changed in the engine (created, started, died, removed). */
  readonly onEngineEvent = this.engineEventEmitter.event;
  /** A host started for the first time (stale cleanup at activation runs then). */
  readonly onDidStart = this.startedEmitter.event;
  /** A piece of a function's log as it happens, whoever invoked it (the editor, the Invoke API, an HTTP route). */
  readonly onFunctionLog = this.logEmitter.event;
  /** Any host started: the first, one after a restart, one after the session was ended. */
  readonly onDidStartSession = this.sessionEmitter.event;
  private startedOnce = false;

  constructor(
    private readonly workspace: string,
    private readonly settings: () => LambdaDockSettings,
    private readonly factory: HostFactory,
    private readonly log: Logger,
    private trusted = true,
  ) {
    if (!trusted) this.stateValue = { kind: 'untrusted' };
  }

  /** The user trusted the workspace: the engine may start now. */
  trust(): void {
    if (this.trusted) return;
    this.trusted = true;
    this.setState({ kind: 'idle' });
  }

  get state(): EngineState {
    return this.stateValue;
  }

  /** The running host, without starting one. */
  get current(): EngineHost | undefined {
    return this.host;
  }

  /** The running host, started on first use; rejects with the engine's actionable error when none answers. */
  ensure(): Promise<EngineHost> {
    if (this.host) return Promise.resolve(this.host);
    if (!this.trusted) return Promise.reject(untrustedWorkspace());
    this.starting ??= this.start();
    return this.starting;
  }

  /** Replaces the host with one that uses the current settings, if one was running; otherwise does nothing. */
  async restart(): Promise<void> {
    const wasRunning = this.host !== undefined || this.starting !== undefined || this.stateValue.kind === 'unreachable';
    await this.stop();
    if (!wasRunning) return;
    try {
      await this.ensure();
    } catch {
      // Reported through the state (unreachable) and the log by start().
    }
  }

  /** Tries again after the engine was unreachable (the Retry action). */
  async retry(): Promise<EngineHost> {
    if (this.stateValue.kind === 'unreachable') this.setState({ kind: 'idle' });
    return this.ensure();
  }

  async dispose(): Promise<void> {
    await this.stop();
    this.stateEmitter.dispose();
    this.instancesEmitter.dispose();
    this.engineEventEmitter.dispose();
    this.startedEmitter.dispose();
    this.sessionEmitter.dispose();
    this.logEmitter.dispose();
  }

  private async start(): Promise<EngineHost> {
    const generation = ++this.generation;
    const settings = this.settings();
    this.setState({ kind: 'starting' });
    try {
      const host = await this.factory({
        workspace: this.workspace,
        engine: { engine: settings.engine, ...(settings.dockerHost ? { dockerHost: settings.dockerHost } : {}) },
        fallbackToProcess: false,
        idleTimeoutMs: settings.idleTimeoutSeconds * 1000,
        maxConcurrencyPerFunction: settings.maxConcurrencyPerFunction,
        standbyInstances: settings.standbyInstances,
        runtimeImages: settings.runtimeImages,
        officialImageClient: settings.officialImageClient,
        log: this.log,
      });
      if (generation !== this.generation) {
        // stop() ran while this one was starting: it must not outlive it.
        await host.dispose();
        throw new Error('the engine was restarted while starting');
      }
      this.attach(host);
      this.setState({ kind: 'ready', engine: host.backend.name, endpoint: host.backend.endpoint, isolated: host.backend.isolated });
      this.log.info(`[host] session ${host.session.id} on ${host.backend.name} ${host.backend.endpoint}`);
      if (!this.startedOnce) {
        this.startedOnce = true;
        this.startedEmitter.fire(host);
      }
      this.sessionEmitter.fire(host);
      return host;
    } catch (error) {
      if (generation === this.generation) {
        this.starting = undefined;
        const code = isLambdaDockError(error) ? error.code : undefined;
        // No engine is a state the user can act on, not a fault of ours: one line, no stack.
        if (code) this.log.warn(`[host] the engine could not start: ${errorMessage(error)}`);
        else this.log.error(`[host] the engine could not start: ${errorMessage(error)}`, error);
        this.setState({ kind: 'unreachable', message: errorMessage(error), ...(code ? { code } : {}) });
      }
      throw error;
    }
  }

  private attach(host: EngineHost): void {
    this.host = host;
    const onChange = () => this.instancesEmitter.fire();
    host.on('change', onChange);
    this.unsubscribe.push(() => host.off('change', onChange));
    const onLog = (event: FunctionLogEvent) => this.logEmitter.fire(event);
    host.on('log', onLog);
    this.unsubscribe.push(() => host.off('log', onLog));
    if (hasEngineEvents(host.backend)) this.unsubscribe.push(host.backend.onEngineEvent(() => this.engineEventEmitter.fire()));
  }

  /** Ends the session (instances terminated, liveness socket removed); the next ensure() starts a new one. */
  async stop(): Promise<void> {
    this.generation += 1;
    const host = this.host;
    this.host = undefined;
    this.starting = undefined;
    for (const off of this.unsubscribe.splice(0)) off();
    if (host) {
      try {
        await host.dispose();
        this.log.info(`[host] session ${host.session.id} ended: its instances are stopped`);
      } catch (error) {
        this.log.error('[host] stopping the engine session failed', error);
      }
    }
    if (this.stateValue.kind !== 'idle' && this.stateValue.kind !== 'untrusted') this.setState({ kind: 'idle' });
  }

  private setState(state: EngineState): void {
    this.stateValue = state;
    this.stateEmitter.fire(state);
  }
}
