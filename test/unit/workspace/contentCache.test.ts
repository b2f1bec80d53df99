import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hashFolder, storeFolder, storeMerged } from '../../../src/core/contentCache';
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

  describe('symbolic links', () => {
    const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file), 'utf8');

    it('copies what a link outside the folder points at (npm file: dependencies, workspace packages)', async () => {
      const repo = folder({
        'shared/package.json': '{"name":"shared","dependencies":{"is-hoisted":"1"}}',
        'shared/index.js': 'module.exports = "shared";',
        'node_modules/is-hoisted/package.json': '{"name":"is-hoisted"}',
        'node_modules/is-hoisted/index.js': 'module.exports = "hoisted";',
        'fn/app.js': 'require("shared")',
        'fn/package.json': '{"dependencies":{"shared":"file:../shared"}}',
        'config.json': '{"a":1}',
      });
      fs.mkdirSync(path.join(repo, 'fn/node_modules'));
      fs.symlinkSync('../../shared', path.join(repo, 'fn/node_modules/shared'));
      fs.symlinkSync(path.join(repo, 'config.json'), path.join(repo, 'fn/config.json'));
      const stored = await storeFolder(path.join(repo, 'fn'));
      assert.equal(fs.lstatSync(path.join(stored.dir, 'node_modules/shared')).isDirectory(), true, 'a folder, not a dangling link');
      assert.equal(read(stored.dir, 'node_modules/shared/index.js'), 'module.exports = "shared";');
      assert.equal(read(stored.dir, 'config.json'), '{"a":1}');
      assert.equal(read(stored.dir, 'node_modules/is-hoisted/index.js'), 'module.exports = "hoisted";', 'what the linked package finds from its real place comes along');
      assert.deepEqual(stored.linkedFolders, [path.join(repo, 'shared'), path.join(repo, 'node_modules/is-hoisted')]);
    });

    it('keeps links that stay inside the folder as relative links, as pnpm lays out node_modules', async () => {
      const dir = folder({
        'app.js': '',
        'node_modules/.pnpm/is-number@7.0.0/node_modules/is-number/index.js': 'number',
        'node_modules/.pnpm/is-odd@3.0.1/node_modules/is-odd/index.js': 'odd',
      });
      const pnpm = path.join(dir, 'node_modules/.pnpm');
      fs.symlinkSync('../../is-number@7.0.0/node_modules/is-number', path.join(pnpm, 'is-odd@3.0.1/node_modules/is-number'));
      fs.symlinkSync('.pnpm/is-odd@3.0.1/node_modules/is-odd', path.join(dir, 'node_modules/is-odd'));
      fs.symlinkSync(path.join(pnpm, 'is-number@7.0.0/node_modules/is-number'), path.join(dir, 'node_modules/is-number'));
      const stored = await storeFolder(dir);
      assert.equal(fs.readlinkSync(path.join(stored.dir, 'node_modules/is-odd')), '.pnpm/is-odd@3.0.1/node_modules/is-odd');
      assert.equal(fs.readlinkSync(path.join(stored.dir, 'node_modules/is-number')), '.pnpm/is-number@7.0.0/node_modules/is-number', 'an absolute link is made relative');
      assert.equal(read(stored.dir, 'node_modules/is-odd/index.js'), 'odd');
      assert.equal(read(stored.dir, 'node_modules/.pnpm/is-odd@3.0.1/node_modules/is-number/index.js'), 'number');
    });

    it('follows a pnpm workspace store outside the folder, bringing the linked package\'s own dependencies', async () => {
      const repo = folder({
        'node_modules/.pnpm/is-odd@3.0.1/node_modules/is-odd/package.json': '{"name":"is-odd","dependencies":{"is-number":"^6"}}',
        'node_modules/.pnpm/is-odd@3.0.1/node_modules/is-odd/index.js': 'odd',
        'node_modules/.pnpm/is-number@6.0.0/node_modules/is-number/package.json': '{"name":"is-number"}',
        'node_modules/.pnpm/is-number@6.0.0/node_modules/is-number/index.js': 'number 6',
        'packages/fn/app.js': 'require("is-odd")',
      });
      fs.symlinkSync('../../is-number@6.0.0/node_modules/is-number', path.join(repo, 'node_modules/.pnpm/is-odd@3.0.1/node_modules/is-number'));
      fs.mkdirSync(path.join(repo, 'packages/fn/node_modules'));
      fs.symlinkSync('../../../node_modules/.pnpm/is-odd@3.0.1/node_modules/is-odd', path.join(repo, 'packages/fn/node_modules/is-odd'));
      const stored = await storeFolder(path.join(repo, 'packages/fn'));
      assert.equal(read(stored.dir, 'node_modules/is-odd/index.js'), 'odd');
      assert.equal(read(stored.dir, 'node_modules/is-number/index.js'), 'number 6');
    });

    it('leaves out dangling links and links to a folder above the one stored, and notes them', async () => {
      const dir = folder({ 'app.js': 'x', 'lib/a.js': 'a' });
      fs.symlinkSync('../nowhere', path.join(dir, 'gone'));
      const outer = tempDir('outer');
      fs.symlinkSync(dir, path.join(outer, 'back'));
      fs.symlinkSync(outer, path.join(dir, 'lib/outer'));
      fs.symlinkSync('/', path.join(dir, 'root'));
      const stored = await storeFolder(dir);
      assert.deepEqual(fs.readdirSync(stored.dir).sort(), ['app.js', 'lib']);
      assert.equal(fs.readlinkSync(path.join(stored.dir, 'lib/outer/back')), '../..', 'a link back to the folder stays a link to where it is mounted');
      assert.deepEqual(stored.linkNotes?.map((n) => [n.relativePath, n.reason]).sort(), [['gone', 'dangling'], ['root', 'loop']]);
    });
  });
});
