import type { InstanceSnapshot } from '../../core/runtime/warmInstance';
import { routeRecords } from '../routes/routeRecords';
import type { HostService } from '../engine/hostService';
import { Emitter, type Disposable } from '../util/emitter';
import type { DeployService } from '../workspace/deployService';
import type { FunctionRecord, FunctionsSnapshot, InstanceRecord } from './records';

/**
 * The Functions view's model: the workspace's functions (discovery), their deploy states and their warm
 * instances (the host), cached as plain records. refresh() rebuilds the snapshot and fires onDidChange.
 */
export class FunctionsStore implements Disposable {
  private snapshotValue: FunctionsSnapshot;
  private readonly changeEmitter = new Emitter<FunctionsSnapshot>();
  readonly onDidChange = this.changeEmitter.event;

  constructor(
    private readonly deploys: Pick<DeployService, 'definitions' | 'discovered' | 'state' | 'problemsOf'>,
    private readonly hosts: Pick<HostService, 'state' | 'current'>,
  ) {
    this.snapshotValue = this.build();
  }

  get snapshot(): FunctionsSnapshot {
    return this.snapshotValue;
  }

  function(name: string): FunctionRecord | undefined {
    return this.snapshotValue.functions.find((f) => f.name === name);
  }

  instance(instanceId: string): InstanceRecord | undefined {
    for (const fn of this.snapshotValue.functions) {
      const found = fn.instances.find((i) => i.instanceId === instanceId);
      if (found) return found;
    }
    return undefined;
  }

  refresh(): void {
    this.snapshotValue = this.build();
    this.changeEmitter.fire(this.snapshotValue);
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }

  private build(): FunctionsSnapshot {
    const instances = this.hosts.current?.instances() ?? [];
    const byFunction = new Map<string, InstanceRecord[]>();
    for (const snapshot of instances) {
      if (snapshot.state === 'stopped') continue;
      const list = byFunction.get(snapshot.functionName) ?? [];
      list.push(instanceRecord(snapshot));
      byFunction.set(snapshot.functionName, list);
    }
    const functions = this.deploys.definitions.map((definition): FunctionRecord => ({
      name: definition.name,
      ...(definition.runtime ? { runtime: definition.runtime } : {}),
      ...(definition.handler ? { handler: definition.handler } : {}),
      ...(definition.image ? { image: definition.image.uri } : {}),
      source: definition.source,
      state: this.deploys.state(definition.name),
      problems: this.deploys.problemsOf(definition.name).map((p) => p.message),
      routes: routeRecords(definition),
      instances: (byFunction.get(definition.name) ?? []).sort((a, b) => a.startedAt - b.startedAt),
      ...(this.hosts.current?.debugMode(definition.name) ? { debugMode: true } : {}),
    }));
    return { engine: this.hosts.state, discovered: this.deploys.discovered, functions };
  }
}

function instanceRecord(snapshot: InstanceSnapshot): InstanceRecord {
  return {
    instanceId: snapshot.instanceId,
    functionName: snapshot.functionName,
    state: snapshot.state,
    ...(snapshot.containerId ? { containerId: snapshot.containerId } : {}),
    ...(snapshot.coldStartMs !== undefined ? { coldStartMs: snapshot.coldStartMs } : {}),
    invocations: snapshot.invocations,
    ...(snapshot.lastDurationMs !== undefined ? { lastDurationMs: snapshot.lastDurationMs } : {}),
    startedAt: snapshot.startedAt,
  };
}
