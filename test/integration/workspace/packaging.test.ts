import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LABELS } from '../../../src/core/engine/backend';
import { lambdaDock } from '../support/cli';
import { docker, requireEngine } from '../support/engine';
import { copyFixture } from './support';

/** Each test gets a cache of its own, so an install is really done (and really reused) where the test says. */
function freshCache(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-dock-packaging-cache-'));
}

async function invoke(workspace: string, name: string, payload: unknown, env: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
  const run = await lambdaDock(['invoke', name, '--workspace', workspace, '--json', '--payload', JSON.stringify(payload)], env);
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout) as { status: string; payload: Record<string, unknown>; error: unknown };
  assert.equal(result.status, 'ok', JSON.stringify(result.error));
  return result.payload;
}

describe('packaging as Lambda gets it: linked packages and dependencies built as sam build builds them', function () {
  this.timeout(180_000);
  before(requireEngine);

  it('a handler that requires an npm file: dependency (a symbolic link out of its folder) runs with the link\'s target', async () => {
    const dir = copyFixture('npm-deps');
    assert.ok(fs.lstatSync(path.join(dir, 'file-dep-fn/node_modules/shared-lib')).isSymbolicLink());
    const payload = await invoke(dir, 'FileDepFunction', { name: 'Lambda' }, { LAMBDA_DOCK_CACHE_DIR: freshCache() });
    assert.deepEqual(payload, { greeting: 'hello Lambda from shared-lib' });
  });

  it('npm and pnpm workspaces: linked workspace packages, hoisted dependencies and pnpm\'s store come along', async () => {
    const dir = copyFixture('monorepos');
    const env = { LAMBDA_DOCK_CACHE_DIR: freshCache() };
    assert.deepEqual(await invoke(dir, 'NpmWorkspaceFunction', {}, env), {
      words: 'words from the workspace package, hoisted to the root',
      hoisted: 'hoisted to the root',
    });
    assert.deepEqual(await invoke(dir, 'PnpmWorkspaceFunction', { value: 7 }, env), { odd: true });
  });

  it('installs dependencies that are not installed (production only) into its build, never the source folder, and reuses the install', async () => {
    const dir = copyFixture('npm-deps');
    const cache = freshCache();
    const payload = await invoke(dir, 'InstallFunction', { value: 42 }, { LAMBDA_DOCK_CACHE_DIR: cache });
    assert.deepEqual(payload, { isNumber: true, devDependencyPackaged: false });
    assert.equal(fs.existsSync(path.join(dir, 'install-fn/node_modules')), false, 'the source folder is left as it was');
    assert.equal(fs.existsSync(path.join(dir, 'install-fn/package-lock.json')), false);
    const installs = fs.readdirSync(path.join(cache, 'dependencies')).filter((name) => !name.startsWith('.'));
    assert.equal(installs.length, 1);
    const installedAt = fs.statSync(path.join(cache, 'dependencies', installs[0])).mtimeMs;

    // An unreachable registry now: the second build must come from the cache.
    const again = await invoke(dir, 'InstallFunction', { value: 'x' }, { LAMBDA_DOCK_CACHE_DIR: cache, npm_config_registry: 'http://127.0.0.1:9/' });
    assert.deepEqual(again, { isNumber: false, devDependencyPackaged: false });
    assert.equal(fs.statSync(path.join(cache, 'dependencies', installs[0])).mtimeMs, installedAt);
  });

  it('an esbuild build bundles dependencies installed apart from its folder', async () => {
    const dir = copyFixture('npm-deps');
    const payload = await invoke(dir, 'BundledInstallFunction', { value: 9 }, { LAMBDA_DOCK_CACHE_DIR: freshCache() });
    assert.deepEqual(payload, { bundled: true });
    assert.equal(fs.existsSync(path.join(dir, 'typed-fn/node_modules')), false);
  });

  it('a lock file is installed with npm ci, at the versions it pins', async () => {
    const dir = copyFixture('npm-deps');
    const payload = await invoke(dir, 'LockedFunction', { value: 3 }, { LAMBDA_DOCK_CACHE_DIR: freshCache() });
    assert.deepEqual(payload, { odd: true, isNumberVersion: '6.0.0' });
  });

  it('a layer with BuildMethod nodejs20.x is built into nodejs/node_modules', async () => {
    const dir = copyFixture('npm-deps');
    const payload = await invoke(dir, 'LayerUserFunction', { value: 5 }, { LAMBDA_DOCK_CACHE_DIR: freshCache() });
    assert.deepEqual(payload, { described: 'a number', fromNodePath: 'function' });
    assert.equal(fs.existsSync(path.join(dir, 'words-layer/node_modules')), false);
  });

  it('offline, an install that is needed is one message naming the package and the fix, and nothing runs', async () => {
    const dir = copyFixture('npm-deps');
    const run = await lambdaDock(['invoke', 'InstallFunction', '--workspace', dir], {
      LAMBDA_DOCK_CACHE_DIR: freshCache(),
      npm_config_registry: 'http://127.0.0.1:9/',
      npm_config_cache: fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-dock-npm-cache-')),
      npm_config_fetch_retries: '0',
    });
    assert.equal(run.code, 1);
    const lines = run.stderr.trim().split('\n').filter((line) => !line.includes('warning'));
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0], /^lambda-dock: InstallFunction: its dependencies is-number are not installed, and the npm registry cannot be reached to install them \(.*\)\. Connect and deploy again, or run npm install in its folder while online/);
    const containers = await docker.listContainers({ all: true, filters: { label: [`${LABELS.workspace}=${dir}`] } });
    assert.deepEqual(containers, []);
  });
});
