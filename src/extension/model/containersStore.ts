import { LABELS, type ManagedContainer } from '../../core/engine/backend';
import { errorMessage } from '../../core/errors';
import type { Logger } from '../../core/log';
import { SCOPE_LABELS } from '../../core/sockets';
import type { HostService } from '../engine/hostService';
import { Emitter, type Disposable } from '../util/emitter';
import type { ContainerRecord, ContainersSnapshot } from './records';


/**
 * The Containers view's model: every container the project manages on the engine (stale ones included),
 * listed through the host's backend. refresh() lists again and fires onDidChange.
 */
export class ContainersStore implements Disposable {
  private snapshotValue: ContainersSnapshot;
  private readonly changeEmitter = new Emitter<ContainersSnapshot>();
  private refreshing: Promise<void> | undefined;
  private again = false;
  private showOthers = false;
  readonly onDidChange = this.changeEmitter.event;

  constructor(
    private readonly hosts: Pick<HostService, 'state' | 'current'>,
    private readonly log: Logger,
    private readonly workspaces: () => string[] = () => [],
  ) {
    this.snapshotValue = this.snapshotOf([]);
  }

  /** Shows or hides other workspaces' containers (the view's toggle); no engine call. */
  setShowOtherWorkspaces(show: boolean): void {
    this.showOthers = show;
    this.snapshotValue = { ...this.snapshotValue, showOtherWorkspaces: show };
    this.changeEmitter.fire(this.snapshotValue);
  }

  get snapshot(): ContainersSnapshot {
    return this.snapshotValue;
  }

  container(id: string): ContainerRecord | undefined {
    return this.snapshotValue.containers.find((c) => c.id === id);
  }

  /** Lists again; overlapping calls coalesce into one more listing after the current one. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = this.list().finally(() => {
      this.refreshing = undefined;
      if (this.again) {
        this.again = false;
        void this.refresh();
      }
    });
    return this.refreshing;
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }

  private async list(): Promise<void> {
    const host = this.hosts.current;
    let snapshot = this.snapshotOf([]);
    if (host) {
      try {
        const managed = await host.containers();
        snapshot = this.snapshotOf(managed.map((c) => containerRecord(c, host.session.id)));
      } catch (error) {
        this.log.warn(`[containers] listing the engine's containers failed: ${errorMessage(error)}`);
        snapshot = { ...this.snapshotOf(this.snapshotValue.containers), error: errorMessage(error) };
      }
    }
    this.snapshotValue = snapshot;
    this.changeEmitter.fire(snapshot);
  }

  private snapshotOf(containers: ContainerRecord[]): ContainersSnapshot {
    return { engine: this.hosts.state, containers, workspaces: this.workspaces(), showOtherWorkspaces: this.showOthers };
  }
}

export function containerRecord({ labels, createdAt, ...container }: ManagedContainer, ownSessionId: string): ContainerRecord {
  return {
    ...container,
    createdAt: createdAt.getTime(),
    ownSession: container.session === ownSessionId,
    workspace: labels[LABELS.workspace] ?? '',
    ...(labels[LABELS.instance] ? { instanceId: labels[LABELS.instance] } : {}),
    hasDockerSocket: labels[LABELS.dockerSocket] === 'true',
    ...(labels[SCOPE_LABELS.scope] ? { socketScope: labels[SCOPE_LABELS.scope] } : {}),
  };
}
