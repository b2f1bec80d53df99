import * as vscode from 'vscode';
import type { LambdaDockContext } from '../context';
import { RefreshGate } from '../model/refreshGate';
import { containerNodes } from './containerNodes';
import { functionNodes } from './functionNodes';
import { NodeTreeProvider } from './nodeTreeProvider';
import type { TreeNode } from './treeNode';

export const FUNCTIONS_VIEW = 'lambdaDock.functions';
export const CONTAINERS_VIEW = 'lambdaDock.containers';

export interface Views {
  functions: NodeTreeProvider;
  containers: NodeTreeProvider;
  functionsView: vscode.TreeView<TreeNode>;
  containersView: vscode.TreeView<TreeNode>;
  /** Refresh both views now (the Refresh action, a command that changed something). */
  refreshNow(): Promise<void>;
  /** List the containers again now, in place of a refresh an engine event left pending. */
  refreshContainers(): Promise<void>;
}

/**
 * The Functions and Containers views. Each has one refresh path: host changes and engine events, debounced
 * 500 ms, only while the view is visible. Showing a view is what first starts the engine.
 */
export function registerViews(ctx: LambdaDockContext): Views {
  const functions = ctx.own(new NodeTreeProvider(() => functionNodes(ctx.functions.snapshot, Date.now())));
  const containers = ctx.own(new NodeTreeProvider(() => containerNodes(ctx.containers.snapshot, Date.now())));
  const functionsView = ctx.own(vscode.window.createTreeView(FUNCTIONS_VIEW, { treeDataProvider: functions, showCollapseAll: false }));
  const containersView = ctx.own(vscode.window.createTreeView(CONTAINERS_VIEW, { treeDataProvider: containers, showCollapseAll: true }));

  const functionsGate = ctx.own(new RefreshGate(() => ctx.functions.refresh()));
  const containersGate = ctx.own(new RefreshGate(() => ctx.containers.refresh()));
  // No message for an unreachable engine or an untrusted workspace: a message hides the welcome content
  // (Containers) and the Functions view says it in its first line.
  ctx.own(ctx.functions.onDidChange(() => {
    functions.update();
    functionsView.message = startingMessage(ctx);
  }));
  ctx.own(ctx.containers.onDidChange((snapshot) => {
    containers.update();
    containersView.message = snapshot.error ? `Could not list containers: ${snapshot.error}` : startingMessage(ctx);
  }));

  // Engine events: a container started, died, was removed; host changes: instances came and went.
  ctx.own(ctx.hosts.onEngineEvent(() => containersGate.trigger()));
  ctx.own(ctx.hosts.onDidChangeInstances(() => {
    functionsGate.trigger();
    containersGate.trigger();
  }));
  // The engine came up or went down: the functions (in memory) show it at once; the containers are listed
  // again through the one debounced path, and only if the view is visible.
  ctx.own(ctx.hosts.onDidChangeState(() => {
    void functionsGate.now();
    containersGate.trigger();
  }));
  ctx.own(ctx.deploys.onDidChange(() => void functionsGate.now()));

  const onVisible = (gate: RefreshGate, visible: boolean) => {
    gate.setVisible(visible);
    if (visible) void startEngine(ctx);
  };
  ctx.own(functionsView.onDidChangeVisibility((e) => onVisible(functionsGate, e.visible)));
  ctx.own(containersView.onDidChangeVisibility((e) => onVisible(containersGate, e.visible)));
  if (functionsView.visible) onVisible(functionsGate, true);
  if (containersView.visible) onVisible(containersGate, true);
  // Trusting the workspace lets the engine start (the context has lifted the gate by now).
  ctx.own(vscode.workspace.onDidGrantWorkspaceTrust(() => {
    if (functionsView.visible || containersView.visible) void startEngine(ctx);
  }));

  return {
    functions,
    containers,
    functionsView,
    containersView,
    async refreshNow() {
      await Promise.all([functionsGate.now(), containersGate.now()]);
    },
    refreshContainers: () => containersGate.now(),
  };
}

/** First use: read the workspace's functions (no engine needed) and start the engine. */
async function startEngine(ctx: LambdaDockContext): Promise<void> {
  await ctx.deploys.ensureDiscovered().catch((error: unknown) => ctx.log.error('reading the workspace failed', error));
  if (ctx.hosts.state.kind === 'idle') {
    // An unreachable engine is shown by the views' welcome content and logged; not a pop-up.
    await ctx.ensureHost().catch(() => undefined);
  }
}

function startingMessage(ctx: LambdaDockContext): string | undefined {
  return ctx.hosts.state.kind === 'starting' ? 'Connecting to the container engine...' : undefined;
}
