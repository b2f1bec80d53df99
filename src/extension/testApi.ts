import type { LambdaDockContext } from './context';
import type { EngineState } from './engine/hostService';
import type { NodeTreeProvider } from './views/nodeTreeProvider';
import type { Views } from './views/registerViews';
import type { DeployOutcome } from './workspace/deployService';

/** A tree item as VS Code received it from the view's provider (getChildren, then getTreeItem). */
export interface ShownItem {
  id: string;
  label: string;
  description: string;
  contextValue: string;
  children: ShownItem[];
}

/** What activate() returns: enough for the editor tests (and other extensions) to see what the views show. */
export interface LambdaDockApi {
  functionItems(): ShownItem[];
  containerItems(): ShownItem[];
  engineState(): EngineState;
  /** The id of this window's engine session (its containers carry it as lambda-dock.session). */
  sessionId(): string | undefined;
  /** Refreshes both views at once (no debounce). */
  refresh(): Promise<void>;
  /** The last deploy: by a command, a save, or an engine restart. */
  lastDeploy(): DeployOutcome | undefined;
  /**
   * Ends this window's engine session as deactivate() does (instances terminated, liveness socket
   * removed) but keeps the extension running; the next command starts a new session.
   */
  endSession(): Promise<void>;
}

export function createTestApi(ctx: LambdaDockContext, views: Views): LambdaDockApi {
  return {
    functionItems: () => shown(views.functions),
    containerItems: () => shown(views.containers),
    engineState: () => ctx.hosts.state,
    sessionId: () => ctx.hosts.current?.session.id,
    refresh: () => views.refreshNow(),
    lastDeploy: () => ctx.deploys.lastOutcome,
    endSession: () => ctx.endSession(),
  };
}

function shown(provider: NodeTreeProvider, parent?: Parameters<NodeTreeProvider['getChildren']>[0]): ShownItem[] {
  return provider.getChildren(parent).map((node) => {
    const item = provider.getTreeItem(node);
    return {
      id: item.id ?? node.id,
      label: typeof item.label === 'string' ? item.label : (item.label?.label ?? ''),
      description: typeof item.description === 'string' ? item.description : '',
      contextValue: item.contextValue ?? '',
      children: shown(provider, node),
    };
  });
}
