import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LambdaDockApi } from '../../../../../src/extension/testApi';
import { paletteEntries, screenshot, until, visibleText } from '../../support/page';

const EXTENSION_ID = 'lambda-dock.lambda-dock';

describe('With no container engine reachable', function () {
  this.timeout(120_000);
  let api: LambdaDockApi;
  let logFile: string;

  before(async () => {
    const extension = vscode.extensions.getExtension<LambdaDockApi>(EXTENSION_ID);
    assert.ok(extension);
    api = await extension.activate();
    logFile = path.join(api.logFolder(), 'Lambda Dock.log');
    await vscode.commands.executeCommand('workbench.view.extension.lambda-dock');
  });

  it('lists the workspace\'s functions under a first line that offers Select Engine', async () => {
    const items = await until('the notice and the functions', () => {
      const shown = api.functionItems();
      return shown[0]?.contextValue === 'notice.unreachable' && shown.length === 3 ? shown : undefined;
    });
    assert.equal(api.engineState().kind, 'unreachable');
    assert.deepEqual(items.map((i) => i.label), ['No container engine is reachable', 'HelloFunction', 'SocketFunction']);
    assert.equal(items[0].description, 'Select Engine...');
    assert.match(items[1].description, /not deployed/);
  });

  it('shows the Containers view\'s welcome content with Select Engine, Retry and Show Log', async () => {
    assert.deepEqual(api.containerItems(), [], 'an empty view, so VS Code shows its welcome content');
    const text = (await until('the welcome content', async () => {
      const shown = await visibleText('.part.sidebar .welcome-view-content');
      return shown.some((t) => t.includes('No Docker or Podman engine is reachable')) ? shown : undefined;
    })).join('\n');
    for (const button of ['Select Engine...', 'Retry', 'Show Log']) assert.ok(text.includes(button), `the welcome content offers ${button}`);
    await screenshot('no-engine-sidebar');
  });

  it('says at once why an invoke cannot run, offering Select Engine, without asking for a function or payload', async () => {
    await vscode.commands.executeCommand('lambdaDock.invokeFunction');
    const toast = (await until('the error notification', async () => {
      const shown = await visibleText('.notifications-toasts .notification-toast');
      return shown.some((t) => t.includes('Invoke Function')) ? shown : undefined;
    })).join('\n');
    assert.match(toast, /Invoke Function: Docker is not running at unix:\/\/\/nonexistent\/lambda-dock-e2e\/docker\.sock/);
    assert.match(toast, /Select Engine\.\.\./);
    assert.deepEqual(await visibleText('.quick-input-widget .monaco-list-row'), [], 'no function or payload was asked for');
    await screenshot('no-engine-invoke');
  });

  it('ends the progress notification of a deploy that fails, leaving only its error', async () => {
    await vscode.commands.executeCommand('notifications.clearAll');
    const outcome = await vscode.commands.executeCommand('lambdaDock.deployWorkspace');
    assert.equal(outcome, undefined, 'the failed deploy returns nothing');
    // The window closes a finished progress toast a moment after the extension host reports the end.
    const toasts = await until('the error notification, and no progress notification left', async () => {
      const shown = await visibleText('.notifications-toasts .notification-toast');
      const error = shown.some((t) => /Deploy Workspace: Docker is not running/.test(t));
      return error && !shown.some((t) => t.includes('Lambda Dock: deploying the workspace')) ? shown : undefined;
    }, 15_000);
    assert.ok(toasts.length > 0);
    await screenshot('no-engine-failed-deploy');
  });

  it('logs the unreachable engine in one line each time, without a stack trace', async () => {
    const log = await until('the engine failure in the log', () => {
      const text = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
      return /Invoke Function: Docker is not running/.test(text) ? text : undefined;
    });
    assert.match(log, /\[warning\] \[host\] the engine could not start: Docker is not running at/);
    assert.doesNotMatch(log, /^\s+at /m, 'no stack frames');
  });

  it('offers Retry in the palette, and no command that needs an invocation or an instance', async () => {
    const entries = await paletteEntries('Lambda Dock:');
    assert.ok(entries.includes('Lambda Dock: Retry Connecting to the Engine'), `the palette offers Retry (it lists ${entries.join(', ')})`);
    assert.ok(entries.includes('Lambda Dock: Select Engine...'));
    for (const absent of ['Lambda Dock: Invoke Again', 'Lambda Dock: Stop Instance', 'Lambda Dock: Save Payload as Event', 'Lambda Dock: Stop Container', 'Lambda Dock: Invoke with This Payload']) {
      assert.equal(entries.includes(absent), false, `${absent} is not offered`);
    }
  });
});
