import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hashFolder, storeFolder, storeMerged } from '../../../src/core/workspace/contentCache';
import { tempDir, useTempCache } from './helpers';

describe('content-addressed cache', () => {
  const cache = useTempCache();

  function folder(files: Record<string, string>): string {
    const dir = tempDir('content');
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
    return dir;
  }

  it('copies a folder once, under the hash of its content', async () => {
    const dir = folder({ 'index.js': 'one', 'lib/util.js': 'two' });
    const first = await storeFolder(dir);
    assert.equal(first.copied, true);
    assert.equal(first.fileCount, 2);
    assert.equal(first.dir, path.join(cache.dir, 'content', first.hash));
    assert.equal(fs.readFileSync(path.join(first.dir, 'lib/util.js'), 'utf8'), 'two');
    const again = await storeFolder(dir);
    assert.deepEqual([again.dir, again.copied], [first.dir, false]);
    // The same content elsewhere is the same entry.
    const twin = await storeFolder(folder({ 'index.js': 'one', 'lib/util.js': 'two' }));
    assert.deepEqual([twin.dir, twin.copied], [first.dir, false]);
    assert.equal(await hashFolder(dir), first.hash);
    assert.deepEqual(fs.readdirSync(path.join(cache.dir, 'content')).filter((n) => n.startsWith('.tmp')), [], 'no temporary folder is left');
  });

  it('stores changed content as a new entry and leaves the old one as it was', async () => {
    const dir = folder({ 'index.js': 'v1' });
    const v1 = await storeFolder(dir);
    fs.writeFileSync(path.join(dir, 'index.js'), 'v2!');
    const v2 = await storeFolder(dir);
    assert.notEqual(v2.dir, v1.dir);
    assert.equal(fs.readFileSync(path.join(v1.dir, 'index.js'), 'utf8'), 'v1');
    assert.equal(fs.readFileSync(path.join(v2.dir, 'index.js'), 'utf8'), 'v2!');
  });

  it('merges layers in attach order: a later layer overwrites an earlier one', async () => {
    const first = folder({ 'nodejs/node_modules/x/index.js': 'x', 'config.txt': 'first' });
    const second = folder({ 'config.txt': 'second', 'bin/tool': 'tool' });
    const merged = await storeMerged([first, second]);
    assert.equal(fs.readFileSync(path.join(merged.dir, 'config.txt'), 'utf8'), 'second');
    assert.equal(fs.readFileSync(path.join(merged.dir, 'nodejs/node_modules/x/index.js'), 'utf8'), 'x');
    assert.ok(fs.existsSync(path.join(merged.dir, 'bin/tool')));
    assert.notEqual((await storeMerged([second, first])).dir, merged.dir);
  });

  it('keeps only the files a filter accepts, and the executable bit', async () => {
    const dir = folder({ 'a.js': 'a', 'docs/x.md': 'x', 'run.sh': '#!/bin/sh' });
    fs.chmodSync(path.join(dir, 'run.sh'), 0o755);
    const stored = await storeFolder(dir, { filter: (p) => !p.startsWith('docs/') });
    assert.deepEqual(fs.readdirSync(stored.dir).sort(), ['a.js', 'run.sh']);
    assert.equal(fs.statSync(path.join(stored.dir, 'run.sh')).mode & 0o111, 0o111);
  });
});
