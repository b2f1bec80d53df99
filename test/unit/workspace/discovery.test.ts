import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { discoverFunctions } from '../../../src/core/workspace/discovery';
import { WORKSPACE_ERROR_CODES } from '../../../src/core/workspace/errors';
import { findProjectFiles } from '../../../src/core/workspace/projectFiles';
import { copyFixture, FIXTURES, useTempCache } from './helpers';

describe('discoverFunctions', () => {
  useTempCache();

  it('finds project files at the root and in subfolders, skipping dependencies and build output', async () => {
    const dir = copyFixture('sam-hello-js');
    for (const skipped of ['.aws-sam/build', 'node_modules/pkg', '.git', '.lambda-dock']) {
      fs.mkdirSync(path.join(dir, skipped), { recursive: true });
      fs.copyFileSync(path.join(dir, 'template.yaml'), path.join(dir, skipped, 'template.yaml'));
    }
    fs.mkdirSync(path.join(dir, 'services', 'orders'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'services', 'orders', 'lambda-dock.json'), '{"functions": []}');
    const files = await findProjectFiles(dir);
    assert.deepEqual(files.map((f) => [path.relative(dir, f.file), f.kind]), [['template.yaml', 'sam'], ['services/orders/lambda-dock.json', 'lambda-dock']]);
  });

  it('reads every fixture at once, keeps going past broken files, and reports duplicate names', async () => {
    const { functions, problems } = await discoverFunctions(FIXTURES);
    const names = functions.map((f) => f.name);
    for (const name of ['GoodFunction', 'GreeterFunction', 'GreetFunction', 'hello', 'goodbye', 'typed']) assert.ok(names.includes(name), name);
    assert.equal(names.filter((n) => n === 'HelloWorldFunction').length, 1);
    const duplicate = problems.find((p) => p.code === WORKSPACE_ERROR_CODES.duplicateFunction);
    assert.ok(duplicate, 'sam-hello-js and sam-hello-ts both define HelloWorldFunction');
    assert.match(duplicate.message, /function HelloWorldFunction is already defined in .*sam-hello-js\/template.yaml:13; this one is ignored: rename one of them/);
    assert.ok(problems.some((p) => p.file.endsWith('bad-yaml/template.yaml') && p.code === WORKSPACE_ERROR_CODES.parseError));
    assert.ok(problems.some((p) => p.file.endsWith('bad-json/lambda-dock.json') && p.code === WORKSPACE_ERROR_CODES.parseError));
  });

  it('stops when asked to', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(discoverFunctions(FIXTURES, { signal: controller.signal }), { name: 'AbortError' });
  });
});
