import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { discoverLambdaDockJson } from '../../../src/core/workspace/lambdaDockJson';
import { WORKSPACE_ERROR_CODES } from '../../../src/core/workspace/errors';
import { fixture, lineOf, tempDir, useTempCache } from './helpers';

describe('lambda-dock.json', () => {
  useTempCache();

  it('reads functions with defaults, layers, a TypeScript handler and an image', async () => {
    const file = fixture('lambda-dock-json', 'lambda-dock.json');
    const { functions, problems } = await discoverLambdaDockJson(file);
    assert.deepEqual(problems, []);
    const [hello, typed, image] = functions;
    assert.equal(hello.name, 'hello');
    assert.equal(hello.codeDir, fixture('lambda-dock-json', 'functions', 'hello'));
    assert.equal(hello.memorySizeMB, 256);
    assert.equal(hello.timeoutSeconds, 10);
    assert.deepEqual(hello.environment, { APP: 'lambda-dock-json', GREETING: 'hello from json' });
    assert.deepEqual(hello.layers, [{ name: 'tools', dir: fixture('lambda-dock-json', 'layers', 'tools') }]);
    assert.deepEqual(hello.source, { file, line: lineOf(file, '"name": "hello"') - 1 });
    assert.equal(typed.dockerSocket, true);
    assert.deepEqual(typed.build?.esbuild?.entryPoints, [fixture('lambda-dock-json', 'functions', 'typed', 'main.ts')]);
    assert.deepEqual(image.image, { uri: 'public.ecr.aws/lambda/nodejs:20' });
    assert.equal(image.memorySizeMB, 1024);
  });

  it('accepts functions keyed by name', async () => {
    const dir = tempDir('json');
    fs.writeFileSync(path.join(dir, 'index.js'), 'exports.handler = async () => 1;');
    const file = path.join(dir, 'lambda-dock.json');
    fs.writeFileSync(file, JSON.stringify({ functions: { one: { handler: 'index.handler', runtime: 'nodejs20.x' } } }, null, 2));
    const { functions, problems } = await discoverLambdaDockJson(file);
    assert.deepEqual(problems, []);
    assert.equal(functions[0].name, 'one');
    assert.equal(functions[0].codeDir, dir);
  });

  it('reports JSON that does not parse at its line', async () => {
    const file = fixture('broken', 'bad-json', 'lambda-dock.json');
    const { functions, problems } = await discoverLambdaDockJson(file);
    assert.deepEqual(functions, []);
    assert.equal(problems[0].code, WORKSPACE_ERROR_CODES.parseError);
    assert.equal(problems[0].line, lineOf(file, '"oops"'));
    assert.match(problems[0].message, /^lambda-dock.json is not valid JSON: .*; fix the JSON$/);
  });

  it('reports unknown settings, missing fields and bad numbers, and loads what it can', async () => {
    const dir = tempDir('json');
    fs.writeFileSync(path.join(dir, 'index.js'), 'exports.handler = async () => 1;');
    const file = path.join(dir, 'lambda-dock.json');
    fs.writeFileSync(file, JSON.stringify({
      functions: [
        { name: 'ok', handler: 'index.handler', runtime: 'nodejs20.x', memory: 512, timeout: -1 },
        { handler: 'index.handler' },
        { name: 'noRuntime', handler: 'index.handler' },
        { name: 'badLayer', handler: 'index.handler', runtime: 'nodejs20.x', layers: ['nowhere'] },
      ],
    }, null, 2));
    const { functions, problems } = await discoverLambdaDockJson(file);
    assert.deepEqual(functions.map((f) => f.name), ['ok', 'badLayer']);
    assert.deepEqual(problems.map((p) => [p.code, p.line]), [
      [WORKSPACE_ERROR_CODES.unsupported, lineOf(file, '"memory"')],
      [WORKSPACE_ERROR_CODES.invalidValue, lineOf(file, '"timeout"')],
      [WORKSPACE_ERROR_CODES.missingProperty, lineOf(file, '"name": "ok"') + 6],
      [WORKSPACE_ERROR_CODES.missingProperty, lineOf(file, '"noRuntime"') - 1],
      [WORKSPACE_ERROR_CODES.pathNotFound, lineOf(file, '"nowhere"')],
    ]);
  });

  it('names the function each problem is about, and none for a function without a name', async () => {
    const dir = tempDir('json');
    fs.writeFileSync(path.join(dir, 'index.js'), 'exports.handler = async () => 1;');
    const file = path.join(dir, 'lambda-dock.json');
    fs.writeFileSync(file, JSON.stringify({
      functions: [
        { name: 'ok', handler: 'index.handler', runtime: 'nodejs20.x', memory: 512, timeout: -1 },
        { handler: 'index.handler' },
        { name: 'gone', handler: 'gone.handler', runtime: 'nodejs20.x' },
      ],
    }, null, 2));
    const { problems } = await discoverLambdaDockJson(file);
    assert.deepEqual(problems.map((p) => [p.code, p.functionName]), [
      [WORKSPACE_ERROR_CODES.unsupported, 'ok'],
      [WORKSPACE_ERROR_CODES.invalidValue, 'ok'],
      [WORKSPACE_ERROR_CODES.missingProperty, undefined],
      [WORKSPACE_ERROR_CODES.handlerNotFound, 'gone'],
    ]);
  });
});
