import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { discoverFunctions } from '../../../src/core/workspace/discovery';
import { WORKSPACE_ERROR_CODES } from '../../../src/core/workspace/errors';
import { tempDir, useTempCache, writeFiles } from './helpers';

const TEMPLATE = [
  'Transform: AWS::Serverless-2016-10-31',
  'Parameters:',
  '  Stage: { Type: String, Default: dev }',
  '  Table: { Type: String, Default: orders }',
  'Resources:',
  '  Orders:',
  '    Type: AWS::Serverless::Function',
  '    Properties:',
  '      Runtime: nodejs20.x',
  '      Handler: app.handler',
  '      CodeUri: ../src',
  '      Environment:',
  '        Variables:',
  '          STAGE: !Ref Stage',
  '          TABLE: !Ref Table',
  '          REGION: !Ref AWS::Region',
  '',
].join('\n');

const environment = async (dir: string, options = {}) => {
  const discovery = await discoverFunctions(dir, options);
  return { ...discovery, env: discovery.functions[0]?.environment };
};

describe('samconfig: what `sam local` reads from a project\'s configuration', () => {
  useTempCache();

  it('samconfig.toml: template_file names the template, and local runs take its parameter_overrides and region (the command line\'s win)', async () => {
    const dir = tempDir('samconfig');
    writeFiles(dir, {
      'samconfig.toml': [
        'version = 0.1',
        '[default.global.parameters]',
        'template_file = "infra/stack.yaml"',
        'region = "eu-west-1"',
        '[default.local_invoke.parameters]',
        'parameter_overrides = "Stage=test Table=\\"orders table\\""',
        '[default.deploy.parameters]',
        'parameter_overrides = "Stage=prod"',
        '',
      ].join('\n'),
      'infra/stack.yaml': TEMPLATE,
      'src/app.js': 'exports.handler = async () => 1;\n',
    });
    const found = await environment(dir);
    assert.deepEqual(found.problems, []);
    assert.deepEqual(found.functions.map((f) => [f.name, f.source.file]), [['Orders', path.join(dir, 'infra/stack.yaml')]]);
    assert.deepEqual(found.env, { STAGE: 'test', TABLE: 'orders table', REGION: 'eu-west-1' }, 'deploy\'s parameter_overrides are for deploys, as sam local ignores them');
    assert.deepEqual(found.definitionFiles, [path.join(dir, 'samconfig.toml')], 'a save of samconfig rediscovers');
    assert.equal((await environment(dir, { parameterOverrides: { Stage: 'cli' } })).env?.STAGE, 'cli');
  });

  it('samconfig.yaml beside template.json, parameter_overrides as a list', async () => {
    const dir = tempDir('samconfig');
    writeFiles(dir, {
      'samconfig.yaml': ['version: 0.1', 'default:', '  global:', '    parameters:', '      parameter_overrides:', '        - Stage=yaml', '        - Table=t2', ''].join('\n'),
      'template.json': JSON.stringify({
        Transform: 'AWS::Serverless-2016-10-31',
        Parameters: { Stage: { Type: 'String' } },
        Resources: { Json: { Type: 'AWS::Serverless::Function', Properties: { Runtime: 'nodejs20.x', Handler: 'app.handler', Environment: { Variables: { STAGE: { Ref: 'Stage' } } } } } },
      }),
      'app.js': 'exports.handler = async () => 1;\n',
    });
    const found = await environment(dir);
    assert.deepEqual(found.problems, []);
    assert.deepEqual(found.functions.map((f) => f.name), ['Json']);
    assert.deepEqual(found.env, { STAGE: 'yaml' });
  });

  it('a samconfig that does not parse, or a parameter_overrides entry that is not Key=Value, is one problem; the template still loads', async () => {
    for (const [name, text, message] of [
      ['samconfig.toml', '[default.global.parameters\nx = 1\n', /^samconfig\.toml does not parse \(.+\); its values are not used$/],
      ['samconfig.toml', '[default.global.parameters]\nparameter_overrides = "Stage"\n', /^samconfig\.toml: parameter_overrides "Stage" is not a parameter value; write Key=Value pairs/],
    ] as const) {
      const dir = tempDir('samconfig');
      writeFiles(dir, { [name]: text, 'template.yaml': TEMPLATE.replace('../src', '.'), 'app.js': 'exports.handler = async () => 1;\n' });
      const found = await environment(dir);
      assert.deepEqual(found.functions.map((f) => f.name), ['Orders']);
      assert.equal(found.env?.STAGE, 'dev');
      assert.equal(found.problems.length, 1, JSON.stringify(found.problems));
      assert.deepEqual({ ...found.problems[0], message: '' }, { file: path.join(dir, name), line: 1, code: WORKSPACE_ERROR_CODES.invalidValue, message: '' });
      assert.match(found.problems[0].message, message);
    }
  });
});
