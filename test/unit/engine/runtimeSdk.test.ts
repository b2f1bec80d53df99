import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RuntimeSdkInstaller, runtimeSdkFor, runtimeSdkPaths, runtimeSdkStore, RUNTIME_SDK_PACKAGES } from '../../../src/core/engine/runtimeSdk';
import { silentLogger } from '../../../src/core/log';
import { missingPackageOf, runtimeSdkHint, runtimeSdkPackage } from '../../../src/core/runtime/client/runtimeSdk';

/**
 * A stand-in npm on PATH (the installer's logic is under test, not npm): `install --prefix DIR` makes
 * DIR/node_modules/@aws-sdk/client-dynamodb, or fails with a registry error when FAKE_NPM_FAIL is set.
 */
function fakeNpm(dir: string): void {
  fs.writeFileSync(path.join(dir, 'npm'), `#!/bin/sh
if [ -n "$FAKE_NPM_FAIL" ]; then echo "npm error code ECONNREFUSED" >&2; echo "npm error request to http://127.0.0.1:9/ failed" >&2; exit 1; fi
while [ "$1" != "--prefix" ]; do shift; done
mkdir -p "$2/node_modules/@aws-sdk/client-dynamodb"
`, { mode: 0o755 });
}

describe("the runtime's AWS SDK install", () => {
  const saved = { ...process.env };
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ld-sdk-'));
    fs.mkdirSync(path.join(root, 'bin'));
    fakeNpm(path.join(root, 'bin'));
    process.env.PATH = `${path.join(root, 'bin')}:${process.env.PATH}`;
    process.env.LAMBDA_DOCK_CACHE_DIR = path.join(root, 'cache');
  });
  afterEach(() => {
    process.env = { ...saved };
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('names each set by its release and packages; Node.js 18 gets the last release that supports it', () => {
    assert.notEqual(runtimeSdkFor(18).id, runtimeSdkFor(20).id);
    assert.equal(runtimeSdkFor(22).id, runtimeSdkFor(24).id);
    assert.match(runtimeSdkFor(22).id, /^aws-sdk-3\.\d+\.\d+-[0-9a-f]{12}$/);
    assert.ok(RUNTIME_SDK_PACKAGES.includes('@aws-sdk/client-dynamodb') && RUNTIME_SDK_PACKAGES.includes('@aws-sdk/lib-dynamodb'));
  });

  it('says "installing" before ensure returns, then installs once into the store', async () => {
    const installer = new RuntimeSdkInstaller(silentLogger);
    const sdk = runtimeSdkFor(22);
    assert.equal(installer.state(sdk), 'absent');
    installer.ensure(sdk);
    assert.equal(installer.state(sdk), 'installing');
    installer.ensure(sdk);
    await installer.settled();
    assert.equal(installer.state(sdk), 'ready');
    const paths = runtimeSdkPaths(runtimeSdkStore(), sdk.id);
    assert.ok(fs.existsSync(path.join(paths.nodeModules, '@aws-sdk/client-dynamodb')));
    assert.deepEqual(fs.readdirSync(runtimeSdkStore()), [sdk.id]);
  });

  it('records why it failed, for the instance to say, and the client words the fix', async () => {
    process.env.FAKE_NPM_FAIL = '1';
    const installer = new RuntimeSdkInstaller(silentLogger);
    const sdk = runtimeSdkFor(20);
    installer.ensure(sdk);
    await installer.settled();
    assert.equal(installer.state(sdk), 'failed');
    const paths = runtimeSdkPaths(runtimeSdkStore(), sdk.id);
    assert.match(fs.readFileSync(paths.failed, 'utf8'), /ECONNREFUSED/);
    const hint = runtimeSdkHint('@aws-sdk/client-dynamodb', paths.folder);
    assert.match(hint ?? '', /but that install failed \(npm install .*ECONNREFUSED[^]*\)\. Let npm reach its registry \(the SDK is installed once and cached\), or add @aws-sdk\/client-dynamodb to the function's dependencies\.$/);
    // Not tried again at every launch within a minute.
    installer.ensure(sdk);
    assert.equal(installer.state(sdk), 'failed');
  });

  it('takes over the lock of an install whose process is gone, and leaves a live one alone', async () => {
    const sdk = runtimeSdkFor(22);
    const paths = runtimeSdkPaths(runtimeSdkStore(), sdk.id);
    fs.writeFileSync(paths.installing, JSON.stringify({ pid: process.ppid, host: os.hostname() }));
    const installer = new RuntimeSdkInstaller(silentLogger);
    installer.ensure(sdk);
    await installer.settled();
    assert.equal(installer.state(sdk), 'installing');
    fs.writeFileSync(paths.installing, JSON.stringify({ pid: 2 ** 22 + 17, host: os.hostname() }));
    installer.ensure(sdk);
    await installer.settled();
    assert.equal(installer.state(sdk), 'ready');
  });
});

describe("the runtime client's view of the SDK", () => {
  it('tells SDK packages and the package a "cannot find" error names', () => {
    assert.equal(runtimeSdkPackage('@aws-sdk/client-s3/dist-cjs/index.js'), '@aws-sdk/client-s3');
    assert.equal(runtimeSdkPackage('@smithy/types'), '@smithy/types');
    assert.equal(runtimeSdkPackage('aws-sdk'), undefined);
    assert.equal(missingPackageOf(new Error("Cannot find module '@aws-sdk/client-iot'\nRequire stack:\n- /var/task/app.js")), '@aws-sdk/client-iot');
    assert.equal(missingPackageOf(new Error("Cannot find package 'left-pad' imported from /var/task/app.mjs")), 'left-pad');
    assert.equal(runtimeSdkHint('left-pad', '/nowhere'), undefined);
  });
});
