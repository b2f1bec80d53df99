import * as assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { InstanceExit, LambdaBackend, LaunchedInstance, RuntimeApiEndpoint, StandbyBackend, StandbySpec } from '../../../src/core/engine/backend';
import { silentLogger } from '../../../src/core/log';
import { RuntimeApiClient } from '../../../src/core/runtime/client/runtimeApiClient';
import { StandbyPool, type StandbyTemplate } from '../../../src/core/runtime/standbyPool';

const endpoint: RuntimeApiEndpoint = { bindAddress: '127.0.0.1', advertisedHost: '127.0.0.1', identity: { kind: 'secretPath' } };

class FakeInstance extends EventEmitter implements LaunchedInstance {
  exitInfo?: InstanceExit;
  constructor(
    readonly id: string,
    readonly instanceId: string,
  ) {
    super();
  }
  exit(requested: boolean): void {
    this.exitInfo = { exitCode: 137, oomKilled: false, requested };
    this.emit('exit', this.exitInfo);
  }
}

/** A backend whose standbys are runtimes that really poll their channel for an assignment (over HTTP on 127.0.0.1). */
class FakeStandbyBackend implements Partial<LambdaBackend>, StandbyBackend {
  readonly canUpdateMemory = true;
  readonly started: FakeInstance[] = [];
  readonly terminated = new Set<string>();
  failing = false;
  /** Resolves each start once the test lets it (all at once by default). */
  gate: Promise<void> = Promise.resolve();

  runtimeApiEndpoint(): Promise<RuntimeApiEndpoint> {
    return Promise.resolve(endpoint);
  }

  async startStandby(spec: StandbySpec): Promise<LaunchedInstance> {
    await this.gate;
    if (this.failing) throw new Error('the engine refused');
    const instance = new FakeInstance(`container-${spec.instanceId}`, spec.instanceId);
    this.started.push(instance);
    // The runtime: polls for its assignment (the poll stays open until assigned, or fails when closed).
    void new RuntimeApiClient(spec.environment.AWS_LAMBDA_RUNTIME_API).assignment().catch(() => undefined);
    return instance;
  }

  assignStandby(): Promise<{ environment: Record<string, string>; labelled: Promise<void> }> {
    throw new Error('not used here');
  }

  terminate(instanceId: string): Promise<void> {
    this.terminated.add(instanceId);
    this.started.find((i) => i.instanceId === instanceId && !i.exitInfo)?.exit(true);
    return Promise.resolve();
  }
}

const template: StandbyTemplate = { image: 'img', dockerSocket: false, ephemeralStorageMB: 512 };

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('the standby pool (a fake engine, real Runtime API channels)', () => {
  let backend: FakeStandbyBackend;
  let pool: StandbyPool;
  const counts = () => pool.counts()[0] ?? { ready: 0, starting: 0, target: 0 };

  beforeEach(() => {
    backend = new FakeStandbyBackend();
    pool = new StandbyPool({ backend: backend as unknown as LambdaBackend & StandbyBackend, count: 2, maxCount: 10, workspace: '/ws', log: silentLogger });
  });
  afterEach(() => pool.dispose());

  it('keeps the configured number ready, hands one over and starts its replacement at once', async () => {
    pool.keep(template);
    await until(() => counts().ready === 2, 'two ready');
    const standby = await pool.take(template);
    assert.ok(standby);
    assert.equal(standby.channel.waitingForAssignment, true, 'its runtime polls for its assignment');
    await until(() => counts().ready === 2, 'the replacement');
    assert.equal(backend.started.length, 3);
    standby.channel.close();
  });

  it('starts one standby per waiting launch, in parallel, and raises the number kept after a burst', async () => {
    let release!: () => void;
    backend.gate = new Promise((resolve) => (release = resolve));
    const takes = Array.from({ length: 5 }, () => pool.take(template));
    await until(() => counts().starting === 5, 'five starting at once');
    release();
    const standbys = await Promise.all(takes);
    assert.equal(new Set(standbys.map((s) => s?.instanceId)).size, 5);
    await until(() => counts().ready === 5, 'the raised number kept ready');
    assert.equal(counts().target, 5);
    for (const s of standbys) s?.channel.close();
  });

  it('a launch that stops waiting leaves its standby to the next one', async () => {
    const controller = new AbortController();
    const take = pool.take(template, controller.signal);
    controller.abort();
    assert.equal(await take, undefined);
    await until(() => counts().ready >= 1, 'the standby started for it');
  });

  it('replaces a standby that exits while it waits, and pauses a template that keeps failing: launches then get none', async () => {
    pool.keep(template);
    await until(() => counts().ready === 2, 'two ready');
    backend.started[0].exit(false);
    await until(() => counts().ready === 2 && backend.started.length === 3, 'its replacement');
    backend.failing = true;
    backend.started[1].exit(false);
    backend.started[2].exit(false);
    await until(() => counts().ready === 0 && counts().starting === 0, 'the failures to be counted');
    assert.equal(await pool.take(template), undefined, 'paused: the launch starts its own instance');
  });

  it('removes the standbys of templates no function uses any more, and all of them on dispose', async () => {
    const other: StandbyTemplate = { ...template, image: 'other' };
    pool.keep(template);
    pool.keep(other);
    await until(() => pool.counts().every((c) => c.ready === 2) && pool.counts().length === 2, 'both templates ready');
    await pool.keepOnly([template]);
    assert.deepEqual(pool.counts().map((c) => c.image), ['img']);
    assert.equal(backend.terminated.size, 2);
    await pool.dispose();
    assert.equal(backend.terminated.size, 4);
  });
});
