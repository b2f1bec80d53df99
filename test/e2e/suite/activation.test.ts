import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { WORKSPACE_ENV } from '../protocol';

const EXTENSION_ID = 'lambda-dock.lambda-dock';

describe('Lambda Dock in VS Code', () => {
  it('is loaded and activates', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not among the extensions VS Code loaded`);
    assert.equal(extension.packageJSON.displayName, 'Lambda Dock');
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('opens the fixture workspace with its SAM template', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1, 'exactly one workspace folder is open');
    const folder = folders[0].uri;
    assert.equal(folder.scheme, 'file');
    const expected = process.env[WORKSPACE_ENV];
    assert.ok(expected, `${WORKSPACE_ENV} is not set`);
    assert.equal(fs.realpathSync(folder.fsPath), fs.realpathSync(expected));
    assert.match(fs.readFileSync(path.join(folder.fsPath, 'template.yaml'), 'utf8'), /AWS::Serverless::Function/);
  });
});
