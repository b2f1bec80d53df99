import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import Docker from 'dockerode';
import * as vscode from 'vscode';
import { LABELS } from '../../../src/core/engine/backend';
import { StandbyRecord } from '../../../src/core/engine/standbyRecord';
import type { InvokeSummary } from '../../../src/extension/commands/invoke';
import type { StaleReport } from '../../../src/core/engine/backend';
import type { LambdaDockApi, ShownItem } from '../../../src/extension/testApi';
import type { DeployOutcome } from '../../../src/extension/workspace/deployService';
import { WORKSPACE_ENV } from '../protocol';
import { codiconGlyphs, paletteEntries, screenshot, until, visibleText } from './support/page';

const EXTENSION_ID = 'lambda-dock.lambda-dock';
let api: LambdaDockApi;
const docker = new Docker({ socketPath: '/var/run/docker.sock' });


function item(items: ShownItem[], label: string): ShownItem | undefined {
  return items.find((i) => i.label === label);
}

/** The text a user reads in the function's result panel: the page's body without tags. */
function resultText(summary: InvokeSummary): string {
  const shown = api.resultView(summary.view);
  assert.ok(shown, `the result panel of ${summary.view} is open`);
  const body = shown.html.slice(shown.html.indexOf('<body>'), shown.html.indexOf('<script'));
  return body.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

/**
 * What a function's output channel shows: VS Code keeps an extension's output channel in a file of the
 * window's logs (output_logging_*), which the Output view displays.
 */
function outputChannelText(functionName: string): string {
  const exthostLogs = path.dirname(api.logFolder());
  for (const dir of fs.readdirSync(exthostLogs).filter((d) => d.startsWith('output_logging_'))) {
    const file = fs.readdirSync(path.join(exthostLogs, dir)).find((f) => f.endsWith(`Lambda Dock ${functionName}.log`));
    if (file) return fs.readFileSync(path.join(exthostLogs, dir, file), 'utf8');
  }
  return '';
}

/**
 * A function's containers that this window's session started, with the labels they carry as the function's:
 * an instance made from a standby has them in its session's record (labels cannot change after create).
 */
async function functionContainers(session: string, functionName: string, options: { all?: boolean } = { all: true }): Promise<Docker.ContainerInfo[]> {
  const record = StandbyRecord.read(StandbyRecord.forSession(session).file);
  const containers = await docker.listContainers({ all: options.all, filters: { label: [`${LABELS.session}=${session}`] } });
  return containers
    .map((c) => (c.Labels[LABELS.standby] ? { ...c, Labels: { ...c.Labels, ...record[c.Labels[LABELS.instance]] } } : c))
    .filter((c) => c.Labels[LABELS.function] === functionName);
}

/** The fixture function's containers that this window's session started. */
function containersOfSession(session: string): Promise<Docker.ContainerInfo[]> {
  return functionContainers(session, 'HelloFunction');
}

async function exists(id: string): Promise<boolean> {
  try {
    await docker.getContainer(id).inspect();
    return true;
  } catch {
    return false;
  }
}

describe('Lambda Dock sidebar, commands and run on save', function () {
  this.timeout(120_000);
  let workspace: string;
  /** The image the engine ran the function in: the stale containers below use it too. */
  let runtimeImage = '';
  const created: string[] = [];

  before(async () => {
    const extension = vscode.extensions.getExtension<LambdaDockApi>(EXTENSION_ID);
    assert.ok(extension);
    api = await extension.activate();
    workspace = fs.realpathSync(process.env[WORKSPACE_ENV]!);
  });

  after(async () => {
    await Promise.all(created.map((id) => docker.getContainer(id).remove({ force: true }).catch(() => undefined)));
  });

  it('shows the workspace\'s functions in the Functions view once the sidebar opens', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.lambda-dock');
    const items = await until('HelloFunction in the Functions view', () => {
      const shown = api.functionItems();
      return item(shown, 'HelloFunction') ? shown : undefined;
    });
    const hello = item(items, 'HelloFunction')!;
    assert.equal(hello.id, 'function:HelloFunction');
    assert.match(hello.description, /nodejs20\.x/);
    await until('the engine to be ready', () => api.engineState().kind === 'ready' || undefined);
  });

  it('runs on the engine of the user\'s settings, not the one the workspace\'s .vscode/settings.json names', () => {
    const state = api.engineState();
    assert.equal(state.kind, 'ready');
    assert.deepEqual([state.engine, state.endpoint], ['docker', '/var/run/docker.sock']);
    assert.equal(vscode.workspace.getConfiguration('lambdaDock').get('dockerHost'), '', 'the checked-in dockerHost is not applied');
    assert.equal(vscode.workspace.getConfiguration('lambdaDock').get('engine'), 'auto', 'nor its engine');
  });

  it('has the workspace deployed as soon as the engine starts (nothing started), and offers no Invoke Again or Stop Instance yet', async () => {
    await until('the deploy at session start', () => api.lastDeploy()?.reason === 'start' || undefined);
    assert.deepEqual(api.lastDeploy()?.deployed, ['HelloFunction', 'SocketFunction']);
    assert.equal(item(api.functionItems(), 'HelloFunction')?.contextValue, 'function.deployed');
    assert.deepEqual(api.instances(), [], 'no instance started');
    const entries = await paletteEntries('Lambda Dock:');
    assert.ok(entries.includes('Lambda Dock: Invoke Function...'), `the palette lists the commands (${entries.join(', ')})`);
    for (const absent of ['Lambda Dock: Invoke Again', 'Lambda Dock: Stop Instance', 'Lambda Dock: Save Payload as Event', 'Lambda Dock: Retry Connecting to the Engine']) {
      assert.equal(entries.includes(absent), false, `${absent} is not offered yet`);
    }
  });

  it('draws its title and item actions with codicons VS Code has, in dark, light and high-contrast themes', async () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { commands: { icon?: string }[] } };
    const ours = new Set(manifest.contributes.commands.map((c) => /^\$\(([\w-]+)\)$/.exec(c.icon ?? '')?.[1]).filter((name) => name !== undefined));
    const themes: [string, vscode.ColorThemeKind][] = [
      ['Default Dark Modern', vscode.ColorThemeKind.Dark],
      ['Default Light Modern', vscode.ColorThemeKind.Light],
      ['Default High Contrast', vscode.ColorThemeKind.HighContrast],
      ['Default High Contrast Light', vscode.ColorThemeKind.HighContrastLight],
    ];
    const settings = vscode.workspace.getConfiguration('workbench');
    try {
      for (const [theme, kind] of themes) {
        await settings.update('colorTheme', theme, vscode.ConfigurationTarget.Global);
        await until(`the ${theme} theme`, () => vscode.window.activeColorTheme.kind === kind || undefined);
        const glyphs = await codiconGlyphs('.part.sidebar .pane-header .actions .codicon, .part.sidebar .monaco-list-row .actions .codicon');
        for (const title of ['server-process', 'play', 'refresh']) assert.ok(glyphs.has(title), `the Functions view's title shows $(${title}) in ${theme} (${[...glyphs.keys()].join(', ')})`);
        const blank = [...glyphs].filter(([name, glyph]) => ours.has(name) && glyph === '').map(([name]) => name);
        assert.deepEqual(blank, [], `every codicon of ours draws a glyph in ${theme}`);
        await screenshot(`sidebar-${theme.replace(/\s+/g, '-').toLowerCase()}`);
      }
    } finally {
      await settings.update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('deploys the workspace and marks the function deployed', async () => {
    const outcome = await vscode.commands.executeCommand<DeployOutcome>('lambdaDock.deployWorkspace');
    assert.ok(outcome, 'Deploy Workspace returned its outcome');
    assert.deepEqual(outcome.deployed, ['HelloFunction', 'SocketFunction']);
    assert.deepEqual(outcome.failed, []);
    const hello = await until('HelloFunction deployed', () => {
      const shown = item(api.functionItems(), 'HelloFunction');
      return shown?.contextValue === 'function.deployed' ? shown : undefined;
    });
    assert.match(hello.description, /deployed/);
  });

  it('ends each progress notification with its work, a failed invoke\'s too, leaving only the error', async () => {
    const progress = /Lambda Dock: (deploying|invoking|debugging)/;
    const failed = await vscode.commands.executeCommand('lambdaDock.invokeFunction', 'NoSuchFunction', {});
    assert.equal(failed, undefined, 'the failed command returns nothing');
    // The window closes a finished progress toast a moment after the extension host reports the end.
    const toasts = await until('the error notification, and no progress notification left', async () => {
      const shown = await visibleText('.notifications-toasts .notification-toast');
      const error = shown.some((t) => t.includes('Invoke Function: NoSuchFunction is not a function of this workspace'));
      return error && !shown.some((t) => progress.test(t)) ? shown : undefined;
    }, 15_000);
    assert.ok(toasts.length > 0);
    await screenshot('failed-invoke-notifications');
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  it('invokes the function into its result panel, with one container running it', async () => {
    const summary = await vscode.commands.executeCommand<InvokeSummary>('lambdaDock.invokeFunction', 'HelloFunction', { greeting: 'hi' });
    assert.ok(summary, 'Invoke Function returned its summary');
    assert.equal(summary.status, 'ok');
    assert.deepEqual(JSON.parse(summary.payload), { statusCode: 200, body: 'hello' });
    assert.equal(summary.coldStart, true);
    assert.equal(api.resultView('HelloFunction')?.visible, true, 'the panel shows beside the editor');

    const text = resultText(summary);
    assert.match(text, /HelloFunction: succeeded/);
    assert.match(text, /Response\s*\{\n {2}"statusCode": 200,\n {2}"body": "hello"\n\}/);
    assert.match(text, /START RequestId: /);
    assert.match(text, /Duration[\d.]+ ms/);
    assert.match(text, /Init Duration[\d.]+ ms/);
    assert.match(text, /"greeting": "hi"/);
    const entries = await paletteEntries('Lambda Dock:');
    for (const offered of ['Lambda Dock: Invoke Again', 'Lambda Dock: Stop Instance', 'Lambda Dock: Save Payload as Event']) {
      assert.ok(entries.includes(offered), `${offered} is offered now (the palette lists ${entries.join(', ')})`);
    }

    const session = api.sessionId();
    assert.ok(session);
    const containers = await containersOfSession(session);
    assert.equal(containers.length, 1, 'one instance, one container');
    assert.equal(containers[0].State, 'running');
    assert.equal(containers[0].Labels[LABELS.function], 'HelloFunction');
    assert.equal(containers[0].Labels[LABELS.instance], summary.instanceId);
    runtimeImage = containers[0].Image;

    await api.refresh();
    const hello = item(api.functionItems(), 'HelloFunction')!;
    assert.equal(hello.children.length, 1);
    assert.equal(hello.children[0].label, `instance ${summary.instanceId}`);
    assert.equal(hello.children[0].contextValue, 'instance.idle');
    assert.match(hello.children[0].description, /idle · cold start \d+ ms · 1 invocation · up/);

    const group = item(api.containerItems(), 'HelloFunction');
    assert.ok(group, 'the Containers view groups the container under its function');
    assert.equal(group.children.length, 1);
    assert.equal(group.children[0].id, `container:${containers[0].Id}`);
    assert.equal(group.children[0].contextValue, 'container.running.own', 'an instance of this window: Remove, no Stop');
    assert.match(group.children[0].description, /running · this window/);
  });


  it('keeps lambdaDock.standbyInstances standbys (2 by default) waiting, which the views do not list', async () => {
    const session = api.sessionId()!;
    const waiting = await until('two standbys waiting', async () => {
      const assigned = StandbyRecord.read(StandbyRecord.forSession(session).file);
      const standbys = (await docker.listContainers({ filters: { label: [`${LABELS.session}=${session}`, LABELS.standby] } })).filter((c) => !assigned[c.Labels[LABELS.instance]]);
      return standbys.length >= 2 ? standbys : undefined;
    }, 60_000);
    assert.ok(waiting.every((c) => c.State === 'running'));
    await api.refresh();
    const listed = api.containerItems().flatMap((group) => group.children.map((child) => child.id));
    assert.ok(!waiting.some((c) => listed.includes(`container:${c.Id}`)), 'a standby not yet assigned is not an instance');
  });
  it('invokes again warm, and saves the payload as an event that Invoke Function can use', async () => {
    const again = await vscode.commands.executeCommand<InvokeSummary>('lambdaDock.invokeAgain');
    assert.ok(again);
    assert.equal(again.coldStart, false);
    const file = await vscode.commands.executeCommand<string>('lambdaDock.savePayloadAsEvent', 'greeting');
    assert.equal(file, path.join(workspace, '.lambda-dock', 'events', 'HelloFunction', 'greeting.json'));
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), { greeting: 'hi' });
    const fromEvent = await vscode.commands.executeCommand<InvokeSummary>('lambdaDock.invokeFunction', 'HelloFunction', { event: 'greeting' });
    assert.ok(fromEvent);
    assert.match(resultText(fromEvent), /"greeting": "hi"/);
    const fromTemplate = await vscode.commands.executeCommand<InvokeSummary>('lambdaDock.invokeFunction', 'HelloFunction', { template: 'sqs' });
    assert.ok(fromTemplate);
    assert.match(resultText(fromTemplate), /"eventSource": "aws:sqs"/);
  });

  it('redeploys a saved handler, and the next invoke returns the new result', async () => {
    const document = await vscode.workspace.openTextDocument(path.join(workspace, 'app.js'));
    const edit = new vscode.WorkspaceEdit();
    const start = document.getText().indexOf("'hello'");
    assert.ok(start >= 0);
    edit.replace(document.uri, new vscode.Range(document.positionAt(start), document.positionAt(start + "'hello'".length)), "'hello again'");
    assert.ok(await vscode.workspace.applyEdit(edit));
    // On a loaded machine save() may answer before the save is done: wait for the document's state.
    await document.save();
    await until('app.js to be saved', () => !document.isDirty || undefined);
    await until('the redeploy after the save', () => api.lastDeploy()?.reason === 'save' || undefined);
    assert.deepEqual(api.lastDeploy()?.deployed, ['HelloFunction']);

    const summary = await vscode.commands.executeCommand<InvokeSummary>('lambdaDock.invokeFunction', 'HelloFunction', {});
    assert.ok(summary);
    assert.deepEqual(JSON.parse(summary.payload), { statusCode: 200, body: 'hello again' });
    assert.equal(summary.coldStart, true, 'the new code runs in a new instance');
    assert.match(resultText(summary), /"body": "hello again"/);
  });

  it('redeploys a handler changed on disk outside the editor (a git checkout, a formatter), as a save does', async () => {
    const file = path.join(workspace, 'app.js');
    const deployedBefore = api.lastDeploy();
    // Another program writes the file: no editor save happens.
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace("'hello again'", "'hello from disk'"));
    await until('the redeploy after the change on disk', () => (api.lastDeploy() !== deployedBefore && api.lastDeploy()?.reason === 'save') || undefined);
    assert.deepEqual(api.lastDeploy()?.deployed, ['HelloFunction']);
    const summary = await vscode.commands.executeCommand<InvokeSummary>('lambdaDock.invokeFunction', 'HelloFunction', {});
    assert.deepEqual(JSON.parse(summary!.payload), { statusCode: 200, body: 'hello from disk' });
    // Back as the later tests expect it, through the same path.
    const deployedAfter = api.lastDeploy();
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace("'hello from disk'", "'hello again'"));
    await until('the redeploy after the file is put back', () => (api.lastDeploy() !== deployedAfter && api.lastDeploy()?.reason === 'save') || undefined);
  });

  it('shows a function error in the same panel, its trace linked to the workspace file that a click opens', async () => {
    const summary = await vscode.commands.executeCommand<InvokeSummary>('lambdaDock.invokeFunction', 'HelloFunction', { fail: 'asked to fail' });
    assert.equal(summary?.status, 'error');
    const resultTabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.label === 'Result: HelloFunction');
    assert.equal(resultTabs().length, 1, 'one panel per function, reused for its next result');
    const text = resultText(summary);
    assert.match(text, /HelloFunction: failed \(TypeError\)/);
    assert.match(text, /TypeError: asked to fail/);
    const frame = api.resultView('HelloFunction')!.model.error!.frames.find((f) => f.locations.length > 0);
    assert.ok(frame, 'a frame of the trace is mapped to a workspace file');
    const [place] = frame.locations;
    assert.equal(place.file, path.join(workspace, 'app.js'), '/var/task/app.js is the workspace\'s app.js');
    assert.equal(place.line, 2);
    assert.match(api.resultView('HelloFunction')!.html, /<a href="#" data-command="open" data-file="[^"]*app\.js" data-line="2"/);
    await api.clickInResult('HelloFunction', { command: 'open', file: place.file, line: place.line, column: place.column });
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.fsPath, place.file);
    assert.equal(editor?.selection.active.line, 1);
  });

  it('parses a JSON body, and its buttons invoke again and save the payload', async () => {
    const summary = await vscode.commands.executeCommand<InvokeSummary>('lambdaDock.invokeFunction', 'HelloFunction', { json: true });
    assert.equal(summary?.status, 'ok');
    assert.match(resultText(summary), /"body": \{\n\s+"items": \[/);
    assert.equal(api.resultView('HelloFunction')?.model.response?.bodyParsed, true);
    await until('the result panel in view', () => api.resultView('HelloFunction')?.visible || undefined);
    await screenshot('result-view');
    const again = await api.clickInResult('HelloFunction', { command: 'invokeAgain' }) as InvokeSummary;
    assert.equal(again.coldStart, false);
    assert.notEqual(again.requestId, summary.requestId);
    assert.equal(api.resultView('HelloFunction')?.model.requestId, again.requestId, 'the panel shows the newest result');
    const file = await api.clickInResult('HelloFunction', { command: 'savePayload', name: 'from-panel' }) as string;
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), { json: true });
  });

  it('opens an event template in an editor to change, and sends what the editor holds', async () => {
    const file = await vscode.commands.executeCommand<string>('lambdaDock.editPayload', 'HelloFunction', { template: 'sqs' });
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.fsPath, file);
    assert.match(editor.document.getText(), /"eventSource": "aws:sqs"/);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(editor.document.uri, new vscode.Range(editor.document.positionAt(0), editor.document.positionAt(editor.document.getText().length)), '{ "edited": "in the editor" }');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const summary = await vscode.commands.executeCommand<InvokeSummary>('lambdaDock.invokeDraft');
    assert.equal(summary?.status, 'ok');
    assert.match(resultText(summary), /"edited": "in the editor"/);
  });

  it('streams the function\'s output to its channel while the invocation runs, and follows its container\'s log live', async () => {
    await vscode.commands.executeCommand('lambdaDock.showFunctionLogs', 'HelloFunction');
    const channelText = () => outputChannelText('HelloFunction');
    let done = false;
    const invocation = vscode.commands.executeCommand<InvokeSummary>('lambdaDock.invokeFunction', 'HelloFunction', { say: 'live-1', gate: 'gate-live-1' });
    void Promise.resolve(invocation).finally(() => (done = true));
    await until('the line in the output channel', () => channelText().includes('saying live-1') || undefined);
    assert.equal(done, false, 'the line showed while the invocation was still running');
    await screenshot('live-output');
    // Let it go on: the gate file goes into the code folder each running HelloFunction container mounts.
    const running = await functionContainers(api.sessionId()!, 'HelloFunction', { all: false });
    const gates: string[] = [];
    for (const container of running) {
      const mount = (await docker.getContainer(container.Id).inspect()).Mounts.find((m) => m.Destination === '/var/task');
      if (mount) gates.push(path.join(mount.Source, 'gate-live-1'));
    }
    assert.ok(gates.length > 0, 'the instance\'s code folder is bind-mounted');
    for (const gate of gates) fs.writeFileSync(gate, '');
    let summary: InvokeSummary | undefined;
    try {
      summary = await invocation;
      assert.equal(summary?.status, 'ok');
    } finally {
      for (const gate of gates) fs.rmSync(gate, { force: true });
    }
    const instance = api.instances().find((i) => i.instanceId === summary?.instanceId);
    assert.ok(instance?.containerId, 'the instance that ran it has a container');
    const uri = await vscode.commands.executeCommand<string>('lambdaDock.showContainerLogs', instance.containerId);
    const logText = () => vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri)?.getText() ?? '';
    await until('the container log', () => logText().includes('saying live-1') || undefined);
    assert.doesNotMatch(logText(), /\u001e|lambda-dock:end|stdout=\d+/, 'nothing of the host\'s protocol is in the container\'s log');
    await vscode.commands.executeCommand('lambdaDock.invokeFunction', 'HelloFunction', { say: 'live-2' });
    await until('the next line, followed live', () => logText().includes('saying live-2') || undefined);
  });

  it('opens the handler at its export', async () => {
    const file = await vscode.commands.executeCommand<string>('lambdaDock.openHandler', 'HelloFunction');
    assert.equal(file, path.join(workspace, 'app.js'));
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.fsPath, file);
    assert.equal(editor?.selection.active.line, 0);
  });

  it('stops an instance: its container is gone', async () => {
    const session = api.sessionId()!;
    const before = await containersOfSession(session);
    assert.ok(before.length >= 1);
    const instanceId = before[0].Labels[LABELS.instance];
    await vscode.commands.executeCommand('lambdaDock.stopInstance', instanceId);
    assert.equal(await exists(before[0].Id), false);
  });

  it('cleans up the stale containers this workspace\'s dead sessions left, and only those', async () => {
    const image = runtimeImage;
    assert.ok(image, 'the invoke test recorded the runtime image');
    const deadSocket = path.join(os.tmpdir(), 'lambda-dock-e2e-dead-session', 'deadbeef0001.sock');
    const leftBehind = async (workspaceLabel: string) => {
      const container = await docker.createContainer({
        Image: image,
        Entrypoint: ['/usr/local/bin/node', '-e', 'setTimeout(() => {}, 600000)'],
        Labels: {
          [LABELS.function]: 'Orphan',
          [LABELS.session]: 'deadbeef0001',
          [LABELS.sessionSocket]: deadSocket,
          [LABELS.host]: os.hostname(),
          [LABELS.workspace]: workspaceLabel,
        },
      });
      created.push(container.id);
      await container.start();
      return container.id;
    };
    const ours = await leftBehind(workspace);
    const elsewhere = await leftBehind(path.join(os.tmpdir(), 'lambda-dock-e2e-another-workspace'));

    await api.refresh();
    const orphans = item(api.containerItems(), 'Orphan');
    assert.ok(orphans, 'the stale containers show in the Containers view');
    const shown = orphans.children.find((c) => c.id === `container:${ours}`);
    assert.equal(shown?.contextValue, 'container.running.stale');
    assert.match(shown.description, /stale/);

    const report = await vscode.commands.executeCommand<StaleReport>('lambdaDock.cleanupStale');
    assert.ok(report);
    assert.equal(report.containers.length, 1);
    assert.equal(await exists(ours), false, 'the stale container of this workspace is removed');
    assert.equal(await exists(elsewhere), true, 'another workspace\'s stale container is left to its window');
    assert.equal(item(api.containerItems(), 'Orphan')?.children.some((c) => c.id === `container:${ours}`) ?? false, false);
  });

  it('marks the container of a function that opted in to a scoped Docker socket', async () => {
    const summary = await vscode.commands.executeCommand<InvokeSummary>('lambdaDock.invokeFunction', 'SocketFunction', {});
    assert.equal(summary?.status, 'ok');
    assert.deepEqual(JSON.parse(summary.payload), { dockerSocket: true, dockerHost: 'unix:///var/run/docker.sock' });
    const [container] = await functionContainers(api.sessionId()!, 'SocketFunction', { all: false });
    assert.equal(container.Labels[LABELS.dockerSocket], 'true');
    await api.refresh();
    const shown = item(api.containerItems(), 'SocketFunction')?.children.find((c) => c.id === `container:${container.Id}`);
    assert.ok(shown, 'the Containers view lists the socket holder');
    assert.equal(shown.contextValue, 'container.running.socket.own');
    assert.match(shown.description, /docker socket/);
  });

  it('serves the Invoke API once lambdaDock.invokeApiPort is set, without restarting the engine session', async () => {
    const session = api.sessionId();
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    const configuration = vscode.workspace.getConfiguration('lambdaDock');
    // A machine setting: only the user's settings may set it, never a workspace's.
    await configuration.update('invokeApiPort', port, vscode.ConfigurationTarget.Global);
    try {
      const body = await until('the Invoke API to answer', async () => {
        try {
          const response = await fetch(`http://127.0.0.1:${port}/2015-03-31/functions/HelloFunction/invocations`, { method: 'POST', body: '{}' });
          return response.ok ? await response.json() : undefined;
        } catch {
          return undefined;
        }
      });
      assert.deepEqual(body, { statusCode: 200, body: 'hello again' });
      // An invocation through the Invoke API shows in the function's output channel too.
      await fetch(`http://127.0.0.1:${port}/2015-03-31/functions/HelloFunction/invocations`, { method: 'POST', body: '{"say":"through-the-api"}' });
      await until('the Invoke API invocation in the output channel', () => outputChannelText('HelloFunction').includes('saying through-the-api') || undefined);
      assert.equal(api.sessionId(), session, 'a port change restarts the API only');
    } finally {
      await configuration.update('invokeApiPort', undefined, vscode.ConfigurationTarget.Global);
    }
    await until('the Invoke API to stop', async () => {
      try {
        await fetch(`http://127.0.0.1:${port}/2015-03-31/functions`);
        return undefined;
      } catch {
        return true;
      }
    });
  });

  it('ending the session (as deactivate does) stops its instances and removes its liveness socket', async () => {
    const summary = await vscode.commands.executeCommand<InvokeSummary>('lambdaDock.invokeFunction', 'HelloFunction', {});
    assert.equal(summary?.status, 'ok');
    // The instances as the host knows them, each with its container id: no engine list that could lag.
    const instances = api.instances().filter((i) => i.state !== 'stopped');
    const served = instances.find((i) => i.instanceId === summary.instanceId);
    assert.ok(served?.containerId, 'the instance that served the invoke has a container');
    const socketHolder = instances.find((i) => i.functionName === 'SocketFunction');
    assert.ok(socketHolder?.containerId, 'the socket holder still runs');
    const containerIds = instances.map((i) => i.containerId).filter((id): id is string => id !== undefined);
    const inspected = await docker.getContainer(served.containerId).inspect();
    assert.equal(inspected.State.Running, true);
    const socket = inspected.Config.Labels[LABELS.sessionSocket];
    assert.ok(fs.existsSync(socket), 'a live session holds its liveness socket');

    await api.endSession();
    assert.equal(api.engineState().kind, 'idle');
    // endSession resolves once every instance is terminated (removed): each container is gone now.
    for (const id of containerIds) assert.equal(await exists(id), false, `container ${id.slice(0, 12)} of the session is gone`);
    const session = inspected.Config.Labels[LABELS.session];
    assert.deepEqual(await docker.listContainers({ all: true, filters: { label: [`${LABELS.session}=${session}`] } }), [], 'nothing of the session is left');
    assert.equal(fs.existsSync(socket), false);
    await api.refresh();
    assert.match(item(api.functionItems(), 'HelloFunction')?.description ?? '', /not deployed/);
  });

  // The editor is killed after the screenshots rather than deactivated, so what the screenshot shows is
  // deployed but runs no instance: nothing is left behind on the shared engine.
  it('deploys again for the sidebar screenshot, starting a new session', async () => {
    const outcome = await vscode.commands.executeCommand<DeployOutcome>('lambdaDock.deployWorkspace');
    assert.deepEqual(outcome?.deployed, ['HelloFunction', 'SocketFunction']);
    await api.refresh();
    assert.equal(item(api.functionItems(), 'HelloFunction')?.contextValue, 'function.deployed');
    await vscode.commands.executeCommand('workbench.view.extension.lambda-dock');
  });
});
