import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { discoverFunctions } from '../../../src/core/workspace/discovery';
import { WORKSPACE_ERROR_CODES } from '../../../src/core/workspace/errors';
import { tempDir, useTempCache, writeFiles } from './helpers';

const SERVICE = [
  'service: shop',
  'provider:',
  '  name: aws',
  '  runtime: nodejs20.x',
  "  stage: ${opt:stage, 'staging'}",
  '  region: eu-west-1',
  '  environment:',
  '    STAGE: ${sls:stage}',
  '    REGION: ${aws:region}',
  '    ACCOUNT: ${aws:accountId}',
  '    TABLE: ${file(./config/${sls:stage}.yml):table}',
  '    QUEUE: ${self:custom.settings.${sls:stage}.queue}',
  '    NESTED_DEFAULT: ${env:LAMBDA_DOCK_TEST_UNSET, ${self:custom.fallback}}',
  "    QUOTED_DEFAULT: ${env:LAMBDA_DOCK_TEST_UNSET, 'a, b'}",
  '    JOINED: ${self:service}-${sls:stage}-orders',
  'custom:',
  '  fallback: from-custom',
  '  settings:',
  '    staging:',
  '      queue: q-staging',
  '    prod:',
  '      queue: q-prod',
  'functions:',
  '  hello:',
  '    handler: app.handler',
  '    environment: ${file(./config/env.json)}',
  '',
].join('\n');

describe('serverless.yml variables as the Framework resolves them', () => {
  useTempCache();

  function project(serviceText = SERVICE): string {
    const dir = tempDir('sls-vars');
    writeFiles(dir, {
      'serverless.yml': serviceText,
      'app.js': 'exports.handler = async () => 1;\n',
      'config/staging.yml': 'table: orders-staging\n',
      'config/prod.yml': 'table: orders-prod\n',
      'config/env.json': '{ "EXTRA": "from-json" }',
    });
    return dir;
  }

  it('nests file(), self:, sls:stage, aws: and env: with fallbacks; the stage is provider.stage\'s fallback without --stage', async () => {
    const dir = project();
    const { functions, problems, definitionFiles } = await discoverFunctions(dir);
    assert.deepEqual(problems, []);
    assert.deepEqual(functions[0].environment, {
      STAGE: 'staging',
      REGION: 'eu-west-1',
      ACCOUNT: '123456789012',
      TABLE: 'orders-staging',
      QUEUE: 'q-staging',
      NESTED_DEFAULT: 'from-custom',
      QUOTED_DEFAULT: 'a, b',
      JOINED: 'shop-staging-orders',
      EXTRA: 'from-json',
    });
    assert.equal(functions[0].deployedName, 'shop-staging-hello');
    assert.deepEqual(definitionFiles?.sort(), [path.join(dir, 'config/env.json'), path.join(dir, 'config/staging.yml')], 'a save of a file the variables read rediscovers');
  });

  it('--stage picks the other file and settings', async () => {
    const { functions } = await discoverFunctions(project(), { stage: 'prod' });
    assert.equal(functions[0].environment.TABLE, 'orders-prod');
    assert.equal(functions[0].environment.QUEUE, 'q-prod');
  });

  it('says which variable only AWS or the Framework can resolve, where it is used, and keeps the function', async () => {
    const dir = project(SERVICE.replace("    JOINED: ${self:service}-${sls:stage}-orders", '    SECRET: ${ssm:/shop/secret}\n    SCRIPT: ${file(./config.js):value}'));
    const { functions, problems } = await discoverFunctions(dir);
    assert.deepEqual(functions.map((f) => f.name), ['hello']);
    const messages = problems.map((p) => p.message);
    assert.ok(messages.some((m) => m === "${ssm:/shop/secret} cannot be resolved locally; give it a default (${ssm:/shop/secret, 'value'}) or set it"), messages.join('\n'));
    assert.ok(messages.some((m) => /\$\{file\(\.\/config\.js\)\} is JavaScript or another format run by the Framework, not read locally/.test(m)), messages.join('\n'));
    assert.ok(problems.every((p) => p.code === WORKSPACE_ERROR_CODES.unresolved));
  });
});
