import { functionSocketToken, scopeIdOf } from '../../core/sockets';
import type { ContainerRecord, ContainersSnapshot } from '../model/records';
import { formatAge, NODE_PREFIX, plural, type TreeNode } from './treeNode';

/**
 * The Containers view: the project's containers grouped by function; a container that holds a scoped
 * Docker socket lists the containers created through it as its children.
 */
export function containerNodes(snapshot: ContainersSnapshot, now: number): TreeNode[] {
  if (snapshot.engine.kind !== 'ready') return [];
  const { roots, createdBy } = nestCreated(snapshot.containers);
  const groups = new Map<string, ContainerRecord[]>();
  for (const container of roots) {
    const key = container.functionName || '(no function)';
    const list = groups.get(key) ?? [];
    list.push(container);
    groups.set(key, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([functionName, containers]) => {
      const stale = containers.filter((c) => c.stale).length;
      const running = containers.filter((c) => c.state === 'running').length;
      return {
        id: `${NODE_PREFIX.containerGroup}${functionName}`,
        label: functionName,
        description: [plural(containers.length, 'container'), running ? `${running} running` : '', stale ? `${stale} stale` : ''].filter(Boolean).join(' · '),
        contextValue: stale > 0 ? 'containerGroup.stale' : 'containerGroup',
        icon: { id: 'symbol-function' },
        collapsible: 'expanded',
        children: containers.sort((a, b) => a.createdAt - b.createdAt).map((c) => containerNode(c, now, createdBy.get(c.id) ?? [])),
      } satisfies TreeNode;
    });
}

export function containerNode(container: ContainerRecord, now: number, created: ContainerRecord[] = []): TreeNode {
  const flags = [container.stale ? 'stale' : '', container.hasDockerSocket ? 'socket' : ''].filter(Boolean);
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
