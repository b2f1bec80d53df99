import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WorkspaceWatcher } from '../../../src/core/workspace/workspaceWatcher';
import { tempDir, useTempCache, writeFiles } from './helpers';

describe('WorkspaceWatcher', () => {
  useTempCache();
  let watcher: WorkspaceWatcher | undefined;
  afterEach(() => {
    watcher?.dispose();
    watcher = undefined;
  });

  async function watch(dir: string, options: { debounceMs?: number; installQuietMs?: number } = {}): Promise<() => Promise<string[]>> {
    watcher = new WorkspaceWatcher(dir, { debounceMs: options.debounceMs ?? 40, ...(options.installQuietMs ? { installQuietMs: options.installQuietMs } : {}) });
    const batches: string[][] = [];
    let wake: (() => void) | undefined;
    watcher.on('changes', (files: string[]) => {
      batches.push(files.map((f) => path.relative(dir, f)).sort());
      wake?.();
    });
    await watcher.start();
    return async () => {
      while (batches.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      return batches.shift()!;
    };
  }

  it('reports files another program writes, and watches the folders that appear (a checkout)', async () => {
    const dir = tempDir('watch');
    writeFiles(dir, { 'fn/app.js': 'v1' });
    const next = await watch(dir);
    writeFiles(dir, { 'fn/app.js': 'v2' });
    assert.deepEqual(await next(), ['fn/app.js']);
    fs.mkdirSync(path.join(dir, 'other'));
    const batch = await next();
    assert.deepEqual(batch, ['other']);
    writeFiles(dir, { 'other/lib/util.js': 'x' });
    assert.ok((await next()).includes('other/lib'), 'the new folder is watched');
    writeFiles(dir, { 'other/lib/util.js': 'y' });
    assert.deepEqual(await next(), ['other/lib/util.js'], 'and so is the folder made inside it');
  });

  it('ignores dot-folders (.git) and node_modules/.cache', async () => {
    const dir = tempDir('watch-ignored');
    writeFiles(dir, { '.git/HEAD': 'ref', 'node_modules/.cache/babel/x.json': '{}', 'app.js': '1' });
    const next = await watch(dir);
    writeFiles(dir, { '.git/HEAD': 'other', 'node_modules/.cache/babel/y.json': '{}', 'app.js': '2' });
    assert.deepEqual(await next(), ['app.js']);
  });

  it('reports an install in node_modules once, as the packages it touched, when the package manager writes its last file', async () => {
    const dir = tempDir('watch-install');
    writeFiles(dir, { 'fn/app.js': '', 'fn/node_modules/old/index.js': '' });
    // A long quiet time: only the install's last file (.package-lock.json) can close the batch soon.
    const next = await watch(dir, { installQuietMs: 60_000 });
    for (let i = 0; i < 30; i++) writeFiles(dir, { [`fn/node_modules/pkg-${i % 3}/lib/file${i}.js`]: String(i) });
    writeFiles(dir, { 'fn/node_modules/@scope/tool/index.js': '' });
    writeFiles(dir, { 'fn/node_modules/.package-lock.json': '{}' });
    const batch = await next();
    assert.deepEqual(batch.sort(), [
      'fn/node_modules/.package-lock.json',
      'fn/node_modules/@scope',
      'fn/node_modules/pkg-0',
      'fn/node_modules/pkg-1',
      'fn/node_modules/pkg-2',
    ].sort());
    assert.ok(watcher!.watchedFolders < 10, `node_modules is not watched file by file (${watcher!.watchedFolders} folders)`);
  });
});
