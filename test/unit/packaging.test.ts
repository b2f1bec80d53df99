import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { zipEntries, type ZipEntry } from '../support/zip';

const root = path.resolve(__dirname, '..', '..');
const bundles = ['dist/extension.js', 'dist/cli.js', 'dist/runtime/bootstrap.js'];

describe('the .vsix package', function () {
  this.timeout(120_000);
  let entries: ZipEntry[];
  let names: string[];
  let dir: string;

  before(() => {
    // Packages what `npm run build` made; builds it first on a fresh clone.
    if (bundles.some((file) => !fs.existsSync(path.join(root, file)))) {
      execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'pipe' });
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-dock-vsix-'));
    const vsix = path.join(dir, 'lambda-dock.vsix');
    // This machine's target, as `npm run build:e2e` packs it: its esbuild binary is installed, nothing is fetched.
    execFileSync(process.execPath, ['scripts/package.mjs', '--target', 'host', '--out', vsix], { cwd: root, stdio: 'pipe' });
    entries = zipEntries(fs.readFileSync(vsix));
    names = entries.map((entry) => entry.name);
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('holds the bundles, the media and the manifest', () => {
    for (const file of [...bundles, 'package.json', 'LICENSE.txt', 'media/lambda-dock.svg', 'media/lambda-dock.png']) {
      const entry = entries.find((e) => e.name === `extension/${file}`);
      assert.ok(entry, `extension/${file} is missing from the package: ${names.join(', ')}`);
      assert.ok(entry.size > 0, `extension/${file} is empty`);
    }
  });

  it('ships esbuild and this platform\'s binary, which building TypeScript functions needs', () => {
    for (const file of ['dist/node_modules/esbuild/lib/main.js', `dist/node_modules/@esbuild/${process.platform}-${process.arch}/bin/esbuild`]) {
      assert.ok(names.includes(`extension/${file}`), `extension/${file} is missing from the package`);
    }
  });

  it('holds nothing from src/, test/ or node_modules/, and no source maps or TypeScript', () => {
    const unwanted = names.filter((name) => /^extension\/(src|test|node_modules|out|scripts)\//.test(name) || /\.(map|ts)$/.test(name));
    assert.deepEqual(unwanted, []);
  });

  it('carries the manifest that points VS Code at the bundle', () => {
    const manifest = JSON.parse(entries.find((e) => e.name === 'extension/package.json')!.read().toString('utf8'));
    const ours = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    assert.equal(manifest.name, 'lambda-dock');
    assert.equal(manifest.publisher, 'lambda-dock');
    assert.equal(manifest.version, ours.version);
    assert.equal(manifest.main, './dist/extension.js');
    const extension = entries.find((e) => e.name === 'extension/dist/extension.js')!.read();
    assert.deepEqual(extension, fs.readFileSync(path.join(root, 'dist/extension.js')));
  });
});
