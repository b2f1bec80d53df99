import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Docker from 'dockerode';
import * as vscode from 'vscode';
import { LABELS } from '../../../../../src/core/engine/backend';
import type { LambdaDockApi } from '../../../../../src/extension/testApi';
import { WORKSPACE_ENV } from '../../../protocol';
import { paletteEntries, screenshot, until, visibleText } from '../../support/page';

const EXTENSION_ID = 'lambda-dock.lambda-dock';
const docker = new Docker({ socketPath: '/var/run/docker.sock' });

describe('In an untrusted workspace', function () {
  this.timeout(120_000);
  let api: LambdaDockApi;
  let workspace: string;

  before(async () => {
    const extension = vscode.extensions.getExtension<LambdaDockApi>(EXTENSION_ID);
    assert.ok(extension);
    api = await extension.activate();
    workspace = fs.realpathSync(process.env[WORKSPACE_ENV]!);
    await vscode.commands.executeCommand('workbench.view.extension.lambda-dock');
  });

  it('is untrusted, lists the functions under a line that says nothing runs, and starts no engine', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const items = await until('the notice and the functions', () => {
      const shown = api.functionItems();
      return shown[0]?.contextValue === 'notice.untrusted' && shown.length === 3 ? shown : undefined;
    });
    assert.deepEqual(items.map((i) => i.label), ['This workspace is not trusted', 'HelloFunction', 'SocketFunction']);
    assert.equal(api.engineState().kind, 'untrusted');
    assert.equal(api.sessionId(), undefined, 'no engine session');
  });

  it('says so in the Containers view', async () => {
    const text = (await until('the welcome content', async () => {
      const shown = await visibleText('.part.sidebar .welcome-view-content');
      return shown.some((t) => t.includes('This workspace is not trusted')) ? shown : undefined;
    })).join('\n');
    assert.match(text, /Manage Workspace Trust/);
    await screenshot('untrusted-sidebar');
  });

  it('runs nothing: an invoke is refused, a save deploys nothing, no container of this workspace exists', async () => {
    const result = await vscode.commands.executeCommand('lambdaDock.invokeFunction', 'HelloFunction', {});
    assert.equal(result, undefined, 'the invoke did not run');
    const toast = (await until('the notification', async () => {
      const shown = await visibleText('.notifications-toasts .notification-toast');
      return shown.some((t) => t.includes('not trusted')) ? shown : undefined;
    })).join('\n');
    assert.match(toast, /Manage Workspace Trust/);

    const document = await vscode.workspace.openTextDocument(path.join(workspace, 'app.js'));
    const edit = new vscode.WorkspaceEdit();
    edit.insert(document.uri, new vscode.Position(0, 0), '// edited\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await document.save();
    await until('the save', () => !document.isDirty);
    assert.equal(api.lastDeploy(), undefined, 'nothing was built or deployed');
    assert.equal(api.sessionId(), undefined);
    const containers = await docker.listContainers({ all: true, filters: { label: [`${LABELS.workspace}=${workspace}`] } });
    assert.deepEqual(containers, []);
  });

  it('ignores the engine settings the workspace\'s .vscode/settings.json sets', () => {
    assert.match(fs.readFileSync(path.join(workspace, '.vscode', 'settings.json'), 'utf8'), /tcp:\/\/198\.51\.100\.7:2375/, 'the fixture checks one in');
    assert.equal(vscode.workspace.getConfiguration('lambdaDock').get('dockerHost'), '', 'and it is not applied');
  });

  it('offers no command in the palette that would build or run the workspace', async () => {
    const entries = await paletteEntries('Lambda Dock:');
    assert.ok(entries.includes('Lambda Dock: Select Engine...'), `the palette lists Lambda Dock's commands (${entries.join(', ')})`);
    for (const absent of ['Lambda Dock: Invoke Function...', 'Lambda Dock: Deploy Workspace Locally', 'Lambda Dock: Invoke Again']) {
      assert.equal(entries.includes(absent), false, `${absent} is not offered`);
    }
  });
});
