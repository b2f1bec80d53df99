import * as path from 'node:path';
import { functionSocketToken, scopeIdOf } from '../../core/sockets';
import type { ContainerRecord, ContainersSnapshot } from '../model/records';
import { formatAge, NODE_PREFIX, plural, type TreeNode } from './treeNode';

/**
 * The Containers view: this window's workspace's containers (stale ones included) grouped by function; other
 * workspaces' under one more group, only while showOtherWorkspaces is on. A container that holds a scoped
 * Docker socket lists the containers created through it as its children.
 */
export function containerNodes(snapshot: ContainersSnapshot, now: number): TreeNode[] {
  if (snapshot.engine.kind !== 'ready') return [];
  const { ours, others } = byWorkspace(snapshot.containers, snapshot.workspaces);
  const nodes = functionGroups(ours, now, '');
  if (snapshot.showOtherWorkspaces && others.length > 0) {
    nodes.push({
      data: { kind: 'notice' },
      id: `${NODE_PREFIX.containerGroup}(other workspaces)`,
      label: 'Other workspaces',
      description: plural(others.length, 'container'),
      tooltip: 'Containers that Lambda Dock sessions of other workspaces started',
      contextValue: 'otherWorkspaces',
      icon: { id: 'folder-library' },
      collapsible: 'expanded',
      children: functionGroups(others, now, 'other:'),
    });
  }
  return nodes;
}

/**
 * This workspace's containers and the rest. Containers created through a scoped socket carry no workspace
 * label: they go with their session, which is this workspace's when any container of it is.
 */
export function byWorkspace(containers: ContainerRecord[], workspaces: string[]): { ours: ContainerRecord[]; others: ContainerRecord[] } {
  const folders = new Set(workspaces.map((w) => path.resolve(w)));
  const isOurs = (c: ContainerRecord) => c.workspace !== '' && folders.has(path.resolve(c.workspace));
  const ourSessions = new Set(containers.filter(isOurs).map((c) => c.session));
  const ours: ContainerRecord[] = [];
  const others: ContainerRecord[] = [];
  for (const c of containers) (isOurs(c) || c.ownSession || (c.workspace === '' && ourSessions.has(c.session)) ? ours : others).push(c);
  return { ours, others };
}

function functionGroups(containers: ContainerRecord[], now: number, idPrefix: string): TreeNode[] {
  const { roots, createdBy } = nestCreated(containers);
  const groups = new Map<string, ContainerRecord[]>();
  for (const container of roots) {
    const key = container.functionName || '(no function)';
    const list = groups.get(key) ?? [];
    list.push(container);
    groups.set(key, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([functionName, list]) => {
      const stale = list.filter((c) => c.stale).length;
      const running = list.filter((c) => c.state === 'running').length;
      return {
        data: { kind: 'containerGroup', functionName },
        id: `${NODE_PREFIX.containerGroup}${idPrefix}${functionName}`,
        label: functionName,
        description: [plural(list.length, 'container'), running ? `${running} running` : '', stale ? `${stale} stale` : ''].filter(Boolean).join(' · '),
        contextValue: stale > 0 ? 'containerGroup.stale' : 'containerGroup',
        icon: { id: 'symbol-function' },
        collapsible: 'expanded',
        children: list.sort((a, b) => a.createdAt - b.createdAt).map((c) => containerNode(c, now, createdBy.get(c.id) ?? [])),
      } satisfies TreeNode;
    });
}

export function containerNode(container: ContainerRecord, now: number, created: ContainerRecord[] = []): TreeNode {
  // own: an instance of this window's session, which the pool removes when it stops (so there is no Stop).
  const own = container.ownSession && container.instanceId !== undefined;
  const flags = [container.stale ? 'stale' : '', container.hasDockerSocket ? 'socket' : '', own ? 'own' : ''].filter(Boolean);
  const description = [
    container.state,
    container.stale ? 'stale (its session is gone)' : container.ownSession ? 'this window' : 'another session',
    container.hasDockerSocket ? 'docker socket' : '',
    container.socketScope ? 'created through a socket' : '',
    `${formatAge(now - container.createdAt)} old`,
  ]
    .filter(Boolean)
    .join(' · ');
  const tooltip = [
    container.name,
    `Id ${container.id.slice(0, 12)} · ${container.status}`,
    `Image ${container.image}`,
    `Session ${container.session}${container.stale ? ' (gone: this container is stale)' : ''}`,
    container.hasDockerSocket ? 'Has a scoped Docker socket at /var/run/docker.sock' : undefined,
    created.length > 0 ? `Created ${plural(created.length, 'container')} through its socket` : undefined,
  ]
    .filter((line): line is string => line !== undefined)
    .join('\n');
  return {
    data: { kind: 'container', record: container },
    id: `${NODE_PREFIX.container}${container.id}`,
    label: container.name,
    description,
    tooltip,
    contextValue: ['container', container.state === 'running' ? 'running' : 'stopped', ...flags].join('.'),
    icon: containerIcon(container),
    collapsible: created.length > 0 ? 'expanded' : 'none',
    children: created.map((c) => containerNode(c, now)),
  };
}

function containerIcon(container: ContainerRecord): TreeNode['icon'] {
  if (container.stale) return { id: 'warning', color: 'list.warningForeground' };
  if (container.hasDockerSocket) return { id: 'plug', color: container.state === 'running' ? 'charts.green' : undefined };
  return container.state === 'running' ? { id: 'vm-running', color: 'charts.green' } : { id: 'vm-outline' };
}

/**
 * Which socket-holding container created each container that carries a socket's scope label: a holder of
 * the same session whose function's scope it is, else the session's only holder. Unmatched ones stay top-level.
 */
export function nestCreated(containers: ContainerRecord[]): { roots: ContainerRecord[]; createdBy: Map<string, ContainerRecord[]> } {
  const holders = containers.filter((c) => c.hasDockerSocket);
  const createdBy = new Map<string, ContainerRecord[]>();
  const roots: ContainerRecord[] = [];
  for (const container of containers) {
    if (!container.socketScope || container.hasDockerSocket) {
      roots.push(container);
      continue;
    }
    const sameSession = holders.filter((h) => h.session === container.session);
    const parent = sameSession.find((h) => scopeIdOf(functionSocketToken(h.functionName)) === container.socketScope) ?? (sameSession.length === 1 ? sameSession[0] : undefined);
    if (!parent) {
      roots.push(container);
      continue;
    }
    const list = createdBy.get(parent.id) ?? [];
    list.push(container);
    createdBy.set(parent.id, list);
  }
  return { roots, createdBy };
}
