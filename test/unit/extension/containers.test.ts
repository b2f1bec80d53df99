import * as assert from 'node:assert/strict';
import { ContainerOps, demuxLogs, staleInWorkspaces, type ContainerApi } from '../../../src/extension/engine/containerOps';
import { diagnosticsFor, locatedErrors } from '../../../src/extension/editor/problemDiagnostics';
import { statusText } from '../../../src/extension/editor/statusText';
import { RefreshGate } from '../../../src/extension/model/refreshGate';
import { definition, FakeHost, managed } from './fakes';

/** An Engine API that keeps containers in a map, as dockerode's calls would change the engine. */
function fakeApi(host: FakeHost): ContainerApi & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    getContainer(id: string) {
      return {
        async stop() {
          calls.push(`stop ${id}`);
          const c = host.backend.containers.find((x) => x.id === id);
          if (!c) throw Object.assign(new Error('no such container'), { statusCode: 404 });
          c.state = 'exited';
        },
        async remove() {
          calls.push(`remove ${id}`);
          if (!host.backend.containers.some((x) => x.id === id)) throw Object.assign(new Error('no such container'), { statusCode: 404 });
          host.backend.containers = host.backend.containers.filter((x) => x.id !== id);
        },
        async logs() {
          const line = Buffer.from('hello\n');
          const header = Buffer.alloc(8);
          header[0] = 1;
          header.writeUInt32BE(line.length, 4);
          return Buffer.concat([header, line]);
        },
      };
    },
  };
}

describe('container operations', () => {
  it('stops and removes this window\'s instances through the host, others through the Engine API', async () => {
    const host = new FakeHost();
    host.backend.containers = [managed({ id: 'mine', labels: { 'lambda-dock.instance': 'i1' } }), managed({ id: 'theirs', session: 'other' })];
    const api = fakeApi(host);
    const ops = new ContainerOps(host, api);
    await ops.stop({ id: 'mine', name: 'mine', ownSession: true, instanceId: 'i1' });
    assert.deepEqual(host.backend.terminated, ['i1']);
    await ops.stop({ id: 'theirs', name: 'theirs', ownSession: false });
    assert.equal(host.backend.containers.find((c) => c.id === 'theirs')?.state, 'exited');
    await ops.remove({ id: 'theirs', name: 'theirs', ownSession: false });
    await ops.remove({ id: 'theirs', name: 'theirs', ownSession: false });
    assert.deepEqual(api.calls, ['stop theirs', 'remove theirs', 'remove theirs'], 'removing a container that is gone is not an error');
    assert.equal(await ops.logs('x'), 'hello\n');
  });

  it('cleans up only stale containers of the given workspaces', async () => {
    const host = new FakeHost();
    host.backend.containers = [
      managed({ id: 'stale-here', stale: true, labels: { 'lambda-dock.workspace': '/ws/app' } }),
      managed({ id: 'stale-there', stale: true, labels: { 'lambda-dock.workspace': '/elsewhere' } }),
      managed({ id: 'live-here', labels: { 'lambda-dock.workspace': '/ws/app' } }),
    ];
    assert.deepEqual(staleInWorkspaces(host.backend.containers, ['/ws/app/']).map((c) => c.id), ['stale-here']);
    const ops = new ContainerOps(host, fakeApi(host));
    assert.equal((await ops.staleIn(['/ws/app'])).length, 1);
    const report = await ops.cleanupStale(['/ws/app']);
    assert.deepEqual(report, { removed: ['lambda-dock-stale-here'], failed: [] });
    assert.deepEqual(host.backend.containers.map((c) => c.id), ['stale-there', 'live-here']);
  });

  it('removes a list of stale containers without listing the engine again', async () => {
    const host = new FakeHost();
    host.backend.containers = [managed({ id: 'stale-here', stale: true, labels: { 'lambda-dock.workspace': '/ws/app' } })];
    let listings = 0;
    const list = host.backend.listManaged.bind(host.backend);
    host.backend.listManaged = async () => {
      listings++;
      return list();
    };
    const ops = new ContainerOps(host, fakeApi(host));
    const stale = await ops.staleIn(['/ws/app']);
    assert.deepEqual(await ops.removeStale(stale), { removed: ['lambda-dock-stale-here'], failed: [] });
    assert.equal(listings, 1);
  });

  it('says what to do when the backend runs no containers', async () => {
    const ops = new ContainerOps(new FakeHost(), undefined);
    await assert.rejects(ops.cleanupStale(['/ws']).then(() => ops.logs('x')), /runs no containers: select a Docker or Podman engine/);
  });

  it('reads Docker\'s multiplexed logs, and plain text as it is', () => {
    const frame = (stream: number, text: string) => {
      const body = Buffer.from(text);
      const header = Buffer.alloc(8);
      header[0] = stream;
      header.writeUInt32BE(body.length, 4);
      return Buffer.concat([header, body]);
    };
    assert.equal(demuxLogs(Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n')])), 'out\nerr\n');
    assert.equal(demuxLogs(Buffer.from('plain tty output\n')), 'plain tty output\n');
  });
});

describe('diagnostics', () => {
  const fn = definition('Typed', '/ws/.build/typed', { build: { sourceDir: '/ws/typed' }, source: { file: '/ws/template.yaml', line: 8 } });

  it('puts discovery problems on their file and line (0-based)', () => {
    const found = diagnosticsFor([{ file: '/ws/template.yaml', line: 12, code: 'WORKSPACE_MISSING_PROPERTY', message: 'Orders: Handler is missing' }], [], [fn], '/ws');
    assert.deepEqual(found, [{ file: '/ws/template.yaml', line: 11, column: 0, message: 'Orders: Handler is missing', code: 'WORKSPACE_MISSING_PROPERTY' }]);
  });

  it('puts build errors where esbuild says, else on the function\'s definition', () => {
    assert.deepEqual(locatedErrors('Build failed:\nsrc/app.ts:3:7: ERROR: Expected ";" but found "x"', '/ws', fn), [
      { file: '/ws/typed/src/app.ts', line: 2, column: 7, message: 'Expected ";" but found "x"' },
    ]);
    const found = diagnosticsFor([], [{ name: 'Typed', error: 'the image my/img could not be built' }], [fn], '/ws');
    assert.deepEqual(found, [{ file: '/ws/template.yaml', line: 7, column: 0, message: 'Typed could not be deployed: the image my/img could not be built', code: 'DEPLOY_FAILED' }]);
  });
});

describe('the status bar', () => {
  const ready = { kind: 'ready' as const, engine: 'docker', endpoint: '/var/run/docker.sock', isolated: true };
  const at = new Date(2024, 4, 1, 14, 2, 33).getTime();

  it('shows the deploy state and the time of the last deploy', () => {
    assert.equal(statusText({ engine: ready, deploying: true, deployOnSave: true }).text, '$(sync~spin) Lambda Dock: deploying');
    const ok = statusText({ engine: ready, deploying: false, deployOnSave: true, last: { reason: 'save', deployed: ['Hello'], failed: [], removed: [], problems: [], at } });
    assert.equal(ok.text, `$(check) Lambda Dock: deployed ${new Date(at).toLocaleTimeString()}`);
    assert.match(ok.tooltip, /Saving a function's file redeploys it/);
    const failed = statusText({ engine: ready, deploying: false, deployOnSave: false, last: { reason: 'save', deployed: [], failed: [{ name: 'Hello', error: 'boom' }], removed: [], problems: [], at } });
    assert.equal(failed.error, true);
    assert.match(failed.tooltip, /Hello: boom\nDeploy on save is off/);
    assert.equal(statusText({ engine: { kind: 'unreachable', message: 'Docker is not running' }, deploying: false, deployOnSave: true }).tooltip, 'Docker is not running');
  });
});

describe('the refresh gate', () => {
  const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('debounces triggers while visible, and only marks the view stale while hidden', async () => {
    let refreshes = 0;
    const gate = new RefreshGate(() => void refreshes++, 30);
    gate.trigger();
    gate.trigger();
    await tick(60);
    assert.equal(refreshes, 0, 'hidden: no refresh, no polling');
    gate.setVisible(true);
    assert.equal(refreshes, 1, 'shown stale: one refresh at once');
    gate.trigger();
    gate.trigger();
    gate.trigger();
    assert.equal(refreshes, 1);
    await tick(60);
    assert.equal(refreshes, 2, 'a burst of events is one refresh');
    gate.setVisible(false);
    gate.setVisible(true);
    assert.equal(refreshes, 2, 'shown again with nothing new: no refresh');
    await gate.now();
    assert.equal(refreshes, 3);
    gate.dispose();
  });

  it('refreshes now in place of a pending trigger, and resolves when the refresh is done', async () => {
    let refreshes = 0;
    let done = false;
    const gate = new RefreshGate(async () => {
      refreshes++;
      await tick(5);
      done = true;
    }, 30);
    gate.setVisible(true);
    await tick(10);
    refreshes = 0;
    done = false;
    gate.trigger();
    await gate.now();
    assert.equal(done, true);
    await tick(60);
    assert.equal(refreshes, 1, 'the pending refresh does not list again');
    gate.dispose();
  });
});
