import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { discoverServerlessYml } from '../../../src/core/workspace/serverlessYml';
import { WORKSPACE_ERROR_CODES } from '../../../src/core/workspace/errors';
import { copyFixture, fixture, lineOf, useTempCache } from './helpers';

describe('serverless.yml', () => {
  useTempCache();
  const file = fixture('serverless', 'serverless.yml');

  it('reads provider and function settings, variables, layers in the same file, and the socket opt-in', async () => {
    const { functions, problems } = await discoverServerlessYml(file);
    assert.deepEqual(functions.map((f) => f.name), ['hello', 'goodbye']);
    const [hello, goodbye] = functions;
    assert.equal(hello.handler, 'handlers/hello.handler');
    assert.equal(hello.runtime, 'nodejs20.x');
    assert.equal(hello.memorySizeMB, 512);
    assert.equal(hello.timeoutSeconds, 6);
    assert.deepEqual(hello.environment, { SERVICE: 'orders-service', STAGE: 'dev', TABLE: 'orders-dev', GREETING: 'hi from serverless' });
    assert.deepEqual(hello.layers, [{ name: 'common', dir: fixture('serverless', 'layers', 'common') }]);
    assert.equal(hello.dockerSocket, false);
    assert.deepEqual(hello.source, { file, line: lineOf(file, '  hello:') });
    assert.equal(goodbye.runtime, 'nodejs18.x');
    assert.equal(goodbye.timeoutSeconds, 20);
    assert.equal(goodbye.memorySizeMB, 256);
    assert.equal(goodbye.dockerSocket, true);
    assert.equal(goodbye.build?.sourceDir, fixture('serverless'));
    assert.ok(goodbye.build?.patterns?.includes('!handlers/hello.js'));
    assert.ok(goodbye.build?.patterns?.includes('!docs/**'));
    assert.deepEqual(problems.map((p) => [p.code, p.line]), [[WORKSPACE_ERROR_CODES.unresolved, lineOf(file, 'TABLE_ARN:')]]);
    assert.match(problems[0].message, /goodbye: environment variable TABLE_ARN .* only known once deployed; it is left out/);
  });

  it('takes the stage from the options', async () => {
    const { functions } = await discoverServerlessYml(file, { stage: 'prod' });
    assert.equal(functions[0].environment.TABLE, 'orders-prod');
  });

  it('reports an unknown layer, a missing handler file and an unresolvable variable with their lines', async () => {
    const dir = copyFixture('serverless');
    const copy = path.join(dir, 'serverless.yml');
    fs.writeFileSync(copy, fs.readFileSync(copy, 'utf8')
      .replace('{ Ref: CommonLambdaLayer }', 'arn:aws:lambda:us-east-1:1:layer:x:1')
      .replace('handlers/goodbye.handler', 'handlers/gone.handler')
      .replace('${self:custom.greeting}', '${ssm:/greeting}'));
    const { functions, problems } = await discoverServerlessYml(copy);
    assert.deepEqual(functions.map((f) => f.name), ['hello', 'goodbye']);
    const lines = Object.fromEntries(problems.map((p) => [p.code, p.line]));
    assert.equal(lines[WORKSPACE_ERROR_CODES.unsupported], lineOf(copy, 'layer:x:1'));
    assert.equal(lines[WORKSPACE_ERROR_CODES.handlerNotFound], lineOf(copy, 'handlers/gone.handler'));
    assert.ok(problems.some((p) => p.code === WORKSPACE_ERROR_CODES.unresolved && p.line === lineOf(copy, 'GREETING:') && /\$\{ssm:\/greeting\} cannot be resolved locally/.test(p.message)));
  });

  it('reports an unresolvable variable in provider once, not once per function', async () => {
    const dir = copyFixture('serverless');
    const copy = path.join(dir, 'serverless.yml');
    fs.writeFileSync(copy, fs.readFileSync(copy, 'utf8').replace('    TABLE: orders-${sls:stage}', '    TABLE: ${ssm:/orders/table}'));
    const { functions, problems } = await discoverServerlessYml(copy);
    assert.deepEqual(functions.map((f) => f.name), ['hello', 'goodbye']);
    assert.equal(functions[0].environment.TABLE, '');
    assert.equal(functions[1].environment.TABLE, '');
    const unresolved = problems.filter((p) => /\$\{ssm:\/orders\/table\} cannot be resolved locally/.test(p.message));
    assert.equal(unresolved.length, 1);
    assert.equal(unresolved[0].code, WORKSPACE_ERROR_CODES.unresolved);
    assert.equal(unresolved[0].line, lineOf(copy, 'TABLE: ${ssm:'));
  });

  it('names the function each problem is about, and none for a variable or a layer', async () => {
    const dir = copyFixture('serverless');
    const copy = path.join(dir, 'serverless.yml');
    fs.writeFileSync(copy, fs.readFileSync(copy, 'utf8')
      .replace('handlers/goodbye.handler', 'handlers/gone.handler')
      .replace('${self:custom.greeting}', '${ssm:/greeting}')
      .replace('path: layers/common', 'path: layers/missing'));
    const { problems } = await discoverServerlessYml(copy);
    const named = (code: string) => problems.filter((p) => p.code === code).map((p) => p.functionName);
    assert.deepEqual(named(WORKSPACE_ERROR_CODES.pathNotFound), [undefined]);
    assert.deepEqual(named(WORKSPACE_ERROR_CODES.handlerNotFound), ['goodbye']);
    assert.deepEqual(named(WORKSPACE_ERROR_CODES.unresolved).sort(), ['goodbye', undefined]);
    for (const problem of problems.filter((p) => p.functionName !== undefined)) assert.ok(problem.message.startsWith(`${problem.functionName}: `), problem.message);
  });

  it('reports a file that does not parse', async () => {
    const dir = copyFixture('serverless');
    const copy = path.join(dir, 'serverless.yml');
    fs.writeFileSync(copy, 'service: x\nfunctions:\n  a:\n    handler: "unterminated\n');
    const { functions, problems } = await discoverServerlessYml(copy);
    assert.deepEqual(functions, []);
    assert.equal(problems[0].code, WORKSPACE_ERROR_CODES.parseError);
    assert.equal(problems[0].line, 5, 'the parser finds the string unterminated at the end of the file');
  });
});
