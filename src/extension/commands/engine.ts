import * as vscode from 'vscode';
import type { EngineChoice } from '../settingsModel';
import { picked, type CommandSpec } from './command';

const CHOICES: Array<{ value: EngineChoice; label: string; detail: string }> = [
  { value: 'auto', label: 'Auto', detail: 'LAMBDA_DOCK_CONTAINER_CLI, DOCKER_HOST, then the usual Docker and Podman sockets' },
  { value: 'docker', label: 'Docker', detail: 'Docker Engine, Docker Desktop, Colima, Rancher Desktop' },
  { value: 'podman', label: 'Podman', detail: 'Podman\'s Docker-compatible API socket' },
];

/** Lambda Dock: Select Engine... — writes lambdaDock.engine (and optionally dockerHost); the engine restarts. */
export const selectEngine: CommandSpec = {
  id: 'lambdaDock.selectEngine',
  title: 'Select Engine',
  async run({ ctx }, arg) {
    let engine: EngineChoice;
    let dockerHost: string | undefined;
    if (arg === 'auto' || arg === 'docker' || arg === 'podman') engine = arg;
    else {
      const current = ctx.settings.current.engine;
      const items = [
        ...CHOICES.map((c) => ({ ...c, description: c.value === current ? '(current)' : '' })),
        { value: 'host' as const, label: 'Docker Host...', detail: `An engine at a socket or URL (lambdaDock.dockerHost${ctx.settings.current.dockerHost ? `: ${ctx.settings.current.dockerHost}` : ''})`, description: '' },
      ];
      const choice = picked(await vscode.window.showQuickPick(items, { placeHolder: 'The container engine Lambda Dock runs functions in' }));
      if (choice.value === 'host') {
        dockerHost = picked(
          await vscode.window.showInputBox({
            prompt: 'The engine\'s address: unix:///path/to/docker.sock or tcp://host:2375 (empty: the default sockets)',
            value: ctx.settings.current.dockerHost,
          }),
        );
        engine = ctx.settings.current.engine;
      } else engine = choice.value;
    }
    const changed = engine !== ctx.settings.current.engine || (dockerHost !== undefined && dockerHost !== ctx.settings.current.dockerHost);
    if (dockerHost !== undefined) await ctx.settings.update('dockerHost', dockerHost.trim());
    await ctx.settings.update('engine', engine);
    // The settings change restarts a running engine; an unreachable or idle one is tried again here.
    if (!changed || ctx.hosts.state.kind !== 'ready') await ctx.hosts.retry().catch(() => undefined);
    return engine;
  },
};

/** Retry, from the welcome content when no engine answered. */
export const retryEngine: CommandSpec = {
  id: 'lambdaDock.retry',
  title: 'Retry',
  async run({ ctx, views }) {
    await ctx.deploys.refreshDiscovery();
    await ctx.hosts.retry();
    await views.refreshNow();
    return ctx.hosts.state.kind;
  },
};

export const refresh: CommandSpec = {
  id: 'lambdaDock.refresh',
  title: 'Refresh',
  async run({ ctx, views }) {
    await ctx.deploys.refreshDiscovery();
    if (ctx.hosts.state.kind === 'idle') await ctx.ensureHost().catch(() => undefined);
    await views.refreshNow();
  },
};

export const showLog: CommandSpec = {
  id: 'lambdaDock.showLog',
  title: 'Show Log',
  run({ ctx }) {
    ctx.showLog();
  },
};
