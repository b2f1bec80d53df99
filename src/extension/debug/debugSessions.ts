import * as vscode from 'vscode';
import { attachConfiguration } from '../../core/debug/attachConfiguration';
import type { DebugOptions, DebugTarget } from '../../core/debug/debugTarget';
import { errorMessage } from '../../core/errors';
import type { LambdaDockContext } from '../context';
import type { EngineHost } from '../engine/engineHost';

/** The key our attach configurations carry: which instance a session debugs. */
export const INSTANCE_KEY = 'lambdaDockInstance';

/**
 * The VS Code debug sessions attached to debugged instances, and the tie between the two lifetimes:
 * a session that ends (Stop, Disconnect, a failed attach) ends its instance THROUGH THE ENGINE, and an
 * instance that ends ends its session (its inspector connection closes; then we disconnect, never
 * terminate). The debugger itself never ends anything: terminate would make js-debug kill the process
 * tree of the pid the instance reports, which inside a container is a pid of this machine's.
 */
export class DebugSessions implements vscode.Disposable {
  /** Sessions by the instance they debug. */
  private readonly sessions = new Map<string, vscode.DebugSession>();
  private readonly disposables: vscode.Disposable[] = [];
  private watchedHost: EngineHost | undefined;
  private readonly onModeTarget = (target: DebugTarget) => void this.attach(target);

  constructor(private readonly ctx: LambdaDockContext) {
    this.disposables.push(
      vscode.debug.onDidTerminateDebugSession((session) => void this.sessionEnded(session)),
      ctx.hosts.onDidChangeInstances(() => void this.endSessionsOfGoneInstances()),
      ctx.hosts.onDidChangeState(() => this.watchHost(ctx.hosts.current)),
    );
    this.watchHost(ctx.hosts.current);
  }

  /** The debug options for one Debug Function invocation: a session is attached as soon as the instance listens. */
  invocationOptions(): DebugOptions {
    return { onTarget: (target) => void this.attach(target) };
  }

  /** The function's debug mode: every invocation of it, from any source, goes to one debugged instance. */
  async setDebugMode(functionName: string, on: boolean): Promise<void> {
    const host = await this.ctx.ensureHost();
    if (!host.functions().some((d) => d.name === functionName)) {
      const outcome = await this.ctx.deploys.deployFunctions([functionName]);
      const failed = outcome.failed.find((f) => f.name === functionName);
      if (failed) throw new Error(`${functionName} could not be deployed: ${failed.error}`);
    }
    host.setDebugMode(functionName, on ? {} : undefined);
    this.ctx.log.info(`[debug] debug mode ${on ? 'on' : 'off'} for ${functionName}`);
  }

  isDebugMode(functionName: string): boolean {
    return this.ctx.hosts.current?.debugMode(functionName) !== undefined;
  }

  /** Starts a VS Code debug session attached to the instance; a session that cannot start ends the instance. */
  async attach(target: DebugTarget): Promise<vscode.DebugSession | undefined> {
    const configuration = attachConfiguration(target, this.ctx.deploys.definition(target.functionName));
    const started = new Promise<vscode.DebugSession>((resolve) => {
      const listener = vscode.debug.onDidStartDebugSession((session) => {
        if (session.configuration[INSTANCE_KEY] !== target.instanceId) return;
        listener.dispose();
        resolve(session);
      });
    });
    try {
      const folder = vscode.workspace.workspaceFolders?.[0];
      if (!(await vscode.debug.startDebugging(folder, configuration))) throw new Error('VS Code did not start the debug session');
      const session = await started;
      this.sessions.set(target.instanceId, session);
      this.ctx.log.info(`[debug] ${target.functionName}: session attached to instance ${target.instanceId} on ${target.address}:${target.port}`);
      return session;
    } catch (error) {
      this.ctx.log.error(`[debug] ${target.functionName}: the debugger could not attach: ${errorMessage(error)}`, error);
      void vscode.window.showErrorMessage(`Lambda Dock: the debugger could not attach to ${target.functionName}: ${errorMessage(error)}`);
      await this.endInstance(target.instanceId);
      return undefined;
    }
  }

  /**
   * The user stopped a session of ours (Stop, not Disconnect): the instance ends through the engine, and
   * the invocation it holds ends now as stopped. Called before the debugger hears of the Stop.
   */
  stopRequested(instanceId: string): void {
    this.ctx.log.info(`[debug] Stop: ending instance ${instanceId} through the engine (the debugger only detaches)`);
    void this.endInstance(instanceId);
  }

  dispose(): void {
    this.watchHost(undefined);
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }

  private watchHost(host: EngineHost | undefined): void {
    if (host === this.watchedHost) return;
    this.watchedHost?.off('debugTarget', this.onModeTarget);
    this.watchedHost = host;
    host?.on('debugTarget', this.onModeTarget);
  }

  private async sessionEnded(session: vscode.DebugSession): Promise<void> {
    const instanceId = session.configuration[INSTANCE_KEY] as unknown;
    if (typeof instanceId !== 'string' || this.sessions.get(instanceId) !== session) return;
    this.sessions.delete(instanceId);
    this.ctx.log.info(`[debug] session for instance ${instanceId} ended: ending the instance`);
    await this.endInstance(instanceId);
  }

  private async endInstance(instanceId: string): Promise<void> {
    try {
      await this.ctx.hosts.current?.terminateInstance(instanceId, { debugStopped: true });
    } catch (error) {
      this.ctx.log.warn(`[debug] could not end instance ${instanceId}: ${errorMessage(error)}`);
    }
  }

  /** An instance that ended (its invocation done, stopped, crashed) takes its session with it: disconnect, never terminate. */
  private async endSessionsOfGoneInstances(): Promise<void> {
    const alive = new Set((this.ctx.hosts.current?.instances() ?? []).filter((i) => i.state !== 'stopped').map((i) => i.instanceId));
    for (const [instanceId, session] of [...this.sessions]) {
      if (alive.has(instanceId)) continue;
      this.sessions.delete(instanceId);
      try {
        await session.customRequest('disconnect', { restart: false, terminateDebuggee: false });
      } catch {
        // Already gone with its inspector connection.
      }
    }
  }
}
