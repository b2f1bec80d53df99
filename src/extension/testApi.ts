import type { InstanceSnapshot } from '../core/runtime/warmInstance';
import type { LambdaDockContext } from './context';
import type { ResultMessage } from './results/resultHtml';
import type { ResultModel } from './results/resultModel';
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
  /** This window's instances as the host reports them (each with its container id). */
  instances(): InstanceSnapshot[];
  /** The id of this window's engine session (its containers carry it as lambda-dock.session). */
  sessionId(): string | undefined;
  /** What a function's result panel shows now (its model and page), if it is open. */
  resultView(functionName: string): { model: ResultModel; html: string; visible: boolean } | undefined;
  /** Clicks a button or a link of a function's result panel. */
  clickInResult(functionName: string, message: ResultMessage): Promise<unknown>;
  /** The folder of the extension's log ("Lambda Dock.log" is the Lambda Dock output channel). */
  logFolder(): string;
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
    instances: () => ctx.hosts.current?.instances() ?? [],
    sessionId: () => ctx.hosts.current?.session.id,
    resultView: (functionName) => ctx.results.current(functionName),
    clickInResult: (functionName, message) => ctx.results.act(functionName, message),
    logFolder: () => ctx.extension.logUri.fsPath,
    refresh: () => views.refreshNow(),
    lastDeploy: () => ctx.deploys.lastOutcome,
    endSession: () => ctx.endSession(),
  };
}

function shown(provider: NodeTreeProvider, parent?: Parameters<NodeTreeProvider['getChildren']>[0]): ShownItem[] {
  return provider.getChildren(parent).map((node) => {
    const item = provider.getTreeItem(node);
    return {
      id: node.id,
      label: typeof item.label === 'string' ? item.label : (item.label?.label ?? ''),
      description: typeof item.description === 'string' ? item.description : '',
      contextValue: item.contextValue ?? '',
      children: shown(provider, node),
    };
  });
}
