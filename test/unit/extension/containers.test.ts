import * as assert from 'node:assert/strict';
import { demuxed } from '../../../src/core/engine/dockerBackend';
import { ProcessBackend } from '../../../src/core/engine/processBackend';
import { staleInWorkspaces } from '../../../src/core/engine/workspaceContainers';
import { diagnosticsFor, locatedErrors } from '../../../src/extension/editor/problemDiagnostics';
import { statusText } from '../../../src/extension/editor/statusText';
import { RefreshGate } from '../../../src/extension/model/refreshGate';
import { definition, managed } from './fakes';

describe('what dead sessions left, by workspace', () => {
  it('finds only stale containers of the given workspace folders', () => {
    const containers = [
      managed({ id: 'stale-here', stale: true, labels: { 'lambda-dock.workspace': '/ws/app' } }),
      managed({ id: 'stale-there', stale: true, labels: { 'lambda-dock.workspace': '/elsewhere' } }),
      managed({ id: 'live-here', labels: { 'lambda-dock.workspace': '/ws/app' } }),
    ];
    assert.deepEqual(staleInWorkspaces(containers, ['/ws/app/']).map((c) => c.id), ['stale-here']);
  });

  it('reads Docker\'s multiplexed logs, and plain text as it is', () => {
    const frame = (stream: number, text: string) => {
      const body = Buffer.from(text);
      const header = Buffer.alloc(8);
      header[0] = stream;
      header.writeUInt32BE(body.length, 4);
      return Buffer.concat([header, body]);
    };
    assert.equal(demuxed(Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n')])), 'out\nerr\n');
    assert.equal(demuxed(Buffer.from('plain tty output\n')), 'plain tty output\n');
  });

  it('says what to do when the backend runs processes, not containers', async () => {
    const backend = new ProcessBackend();
    await assert.rejects(backend.stopContainer(), /runs functions as processes, not containers: select a Docker or Podman engine/);
    await assert.rejects(backend.containerLogs(), (error: Error & { code?: string }) => error.code === 'NO_CONTAINER_ENGINE');
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
