import * as vscode from 'vscode';
import type { TreeNode } from './treeNode';

/**
 * A TreeDataProvider over plain TreeNodes: the store's snapshot is mapped to nodes by a pure function, and
 * this class only turns nodes into TreeItems. fire() after the store changed.
 */
export class NodeTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<TreeNode | undefined>();
  private roots: TreeNode[] = [];
  private readonly parents = new Map<string, TreeNode>();
  readonly onDidChangeTreeData = this.emitter.event;

  constructor(private readonly build: () => TreeNode[]) {}

  /** Rebuilds the nodes from the store and tells VS Code. */
  update(): void {
    this.roots = this.build();
    this.parents.clear();
    const index = (nodes: TreeNode[], parent?: TreeNode) => {
      for (const node of nodes) {
        if (parent) this.parents.set(node.id, parent);
        index(node.children ?? [], node);
      }
    };
    index(this.roots);
    this.emitter.fire(undefined);
  }

  getChildren(element?: TreeNode): TreeNode[] {
    return element ? (element.children ?? []) : this.roots;
  }

  getParent(element: TreeNode): TreeNode | undefined {
    return this.parents.get(element.id);
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const item = new vscode.TreeItem(node.label, COLLAPSIBLE[node.collapsible]);
    // VS Code remembers a leaf as collapsed: a node that gains children gets another id, so it shows expanded.
    item.id = node.collapsible === 'none' ? node.id : `${node.id}#${node.collapsible}`;
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.contextValue = node.contextValue;
    if (node.icon) item.iconPath = new vscode.ThemeIcon(node.icon.id, node.icon.color ? new vscode.ThemeColor(node.icon.color) : undefined);
    if (node.command) item.command = node.command;
    return item;
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

const COLLAPSIBLE: Record<TreeNode['collapsible'], vscode.TreeItemCollapsibleState> = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
};
