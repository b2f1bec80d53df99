import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { HostPython } from '../../../src/core/engine/hostPython';
import { ensurePythonRuntimeSdk, pythonRuntimeSdkDir } from '../../../src/core/engine/pythonRuntimeSdk';
import { silentLogger, type Logger } from '../../../src/core/log';

/**
 * A stand-in python (the install's logic is under test, not pip): `-m pip install ... -t DIR` counts its runs
 * and makes DIR/boto3, or fails as pip does offline when FAKE_PIP_FAIL is set; `-m compileall` succeeds.
 */
function fakePython(dir: string): HostPython {
  const executable = path.join(dir, 'python3');
  fs.writeFileSync(executable, `#!/bin/sh
[ "$2" = "compileall" ] && exit 0
echo run >> "${dir}/pip-runs"
if [ -n "$FAKE_PIP_FAIL" ]; then echo "ERROR: No matching distribution found for boto3==1.0" >&2; exit 1; fi
while [ "$1" != "-t" ]; do shift; done
mkdir -p "$2/boto3" "$2/bin" && echo "__version__ = 'x'" > "$2/boto3/__init__.py"
`, { mode: 0o755 });
  return { executable, version: '3.12', stdlib: dir, dynload: dir };
}

describe("the local Python image's boto3", () => {
  const saved = { ...process.env };
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ld-pysdk-'));
    process.env.LAMBDA_DOCK_CACHE_DIR = path.join(root, 'cache');
  });
  afterEach(() => {
    process.env = { ...saved };
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('is installed once per interpreter into the cache, then found there without pip', async () => {
    const python = fakePython(root);
    const dir = await ensurePythonRuntimeSdk(python, silentLogger);
    assert.equal(dir, pythonRuntimeSdkDir(python));
    assert.ok(fs.existsSync(path.join(dir, 'boto3', '__init__.py')));
    assert.equal(await ensurePythonRuntimeSdk(python, silentLogger), dir);
    assert.equal(fs.readFileSync(path.join(root, 'pip-runs'), 'utf8'), 'run\n');
    assert.notEqual(pythonRuntimeSdkDir({ ...python, executable: '/other/python3' }), dir);
  });

  it("is left out, with one warning naming pip's reason and what fails without it, when pip cannot install it", async () => {
    process.env.FAKE_PIP_FAIL = '1';
    const warnings: string[] = [];
    const log: Logger = { ...silentLogger, warn: (message) => warnings.push(message) };
    const python = fakePython(root);
    assert.equal(await ensurePythonRuntimeSdk(python, log), undefined);
    assert.equal(await ensurePythonRuntimeSdk(python, log), undefined);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /No matching distribution found for boto3==1\.0\).*fails with "No module named 'boto3'"/);
    assert.ok(!fs.existsSync(pythonRuntimeSdkDir(python)));
  });
});
