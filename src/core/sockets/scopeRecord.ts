import { createHash } from 'node:crypto';
import { ContainerListView } from './containerListView';

/** Labels the proxy puts on what it creates: a second line only, never read to grant anything. */
export const SCOPE_LABELS = {
  scope: 'lambda-dock.io/scope',
  socket: 'lambda-dock.io/created-by-socket',
  nonce: 'lambda-dock.io/create-nonce',
} as const;

export interface OwnedContainer {
  id: string;
  /** Without the leading slash; unknown until the client named it or we looked it up. */
  name?: string;
  creatorKey: string;
}

export interface OwnedNetwork {
  id: string;
  name: string;
  creatorKey: string;
}

export interface OwnedVolume {
  name: string;
  creatorKey: string;
}

export interface ScopeResources {
  containers: string[];
  networks: string[];
  volumes: string[];
}

/**
 * The scope id of a socket token: its hash is what goes into labels, so the token itself never leaves the
 * host process. The editor derives it too, to tell which socket holder created a container.
 */
export function scopeIdOf(token: string): string {
  return createHash('sha256').update(`lambda-dock-scope:${token}`).digest('hex').slice(0, 32);
}

/** The token every instance of a function spawns its socket with: the function's instances share one scope. */
export function functionSocketToken(functionName: string): string {
  return `function:${functionName}`;
}

const FULL_ID = /^[0-9a-f]{64}$/;
const ID_PREFIX = /^[0-9a-f]{1,63}$/;

/**
 * What the sockets of one token created: the record every ownership check reads. Names and short ids are
 * resolved here, to full ids of this scope only.
 */
export class ScopeRecord {
  /** Hash of the token: what goes into labels, so the token itself never leaves the host process. */
  readonly id: string;
  readonly containers = new Map<string, OwnedContainer>();
  readonly networks = new Map<string, OwnedNetwork>();
  readonly volumes = new Map<string, OwnedVolume>();
  /** Exec id -> container id. */
  readonly execs = new Map<string, string>();
  /** Creates in flight: an event about an id not yet recorded waits for these. */
  readonly pending = new Set<Promise<unknown>>();
  readonly socketKeys = new Set<string>();
  /** Recent list answers of this scope; `watched` says whether the engine's events are being followed. */
  readonly lists: ContainerListView;

  constructor(token: string, watched: () => boolean = () => false) {
    this.id = scopeIdOf(token);
    this.lists = new ContainerListView(watched);
  }

  resolveContainer(ref: string): string | undefined {
    return resolve(ref, this.containers.values(), (c) => c.id, (c) => c.name);
  }

  resolveNetwork(ref: string): string | undefined {
    return resolve(ref, this.networks.values(), (n) => n.id, (n) => n.name);
  }

  ownsVolume(name: string): boolean {
    return this.volumes.has(name);
  }

  /** Containers with no known name: the proxy looks their names up before giving up on a ref. */
  unnamedContainers(): OwnedContainer[] {
    return [...this.containers.values()].filter((c) => c.name === undefined);
  }

  forgetContainer(id: string): void {
    this.containers.delete(id);
    for (const [execId, containerId] of this.execs) if (containerId === id) this.execs.delete(execId);
  }

  createdBy(key: string): ScopeResources {
    return {
      containers: [...this.containers.values()].filter((c) => c.creatorKey === key).map((c) => c.id),
      networks: [...this.networks.values()].filter((n) => n.creatorKey === key).map((n) => n.id),
      volumes: [...this.volumes.values()].filter((v) => v.creatorKey === key).map((v) => v.name),
    };
  }

  async settled(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  track<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work);
    const done = (): void => void this.pending.delete(work);
    work.then(done, done);
    return work;
  }
}

/** The engine's order: exact full id, then name, then a unique id prefix; within this scope only. */
function resolve<T>(ref: string, items: Iterable<T>, idOf: (t: T) => string, nameOf: (t: T) => string | undefined): string | undefined {
  const list = [...items];
  if (FULL_ID.test(ref)) return list.some((t) => idOf(t) === ref) ? ref : undefined;
  const name = ref.startsWith('/') ? ref.slice(1) : ref;
  const byName = list.find((t) => nameOf(t) === name);
  if (byName) return idOf(byName);
  if (!ID_PREFIX.test(ref)) return undefined;
  const byPrefix = list.filter((t) => idOf(t).startsWith(ref));
  return byPrefix.length === 1 ? idOf(byPrefix[0]!) : undefined;
}
