import * as path from 'node:path';
import { LABELS, type ManagedContainer } from './backend';

/** The stale containers that ran in one of these workspace folders (their lambda-dock.workspace label). */
export function staleInWorkspaces<T extends Pick<ManagedContainer, 'stale' | 'labels'>>(containers: readonly T[], workspaces: readonly string[]): T[] {
  const folders = new Set(workspaces.map((w) => path.resolve(w)));
  return containers.filter((c) => c.stale && c.labels[LABELS.workspace] !== undefined && folders.has(path.resolve(c.labels[LABELS.workspace])));
}
