import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isNamed, lambdaFunctionName } from '../../../src/core/functions/definition';
import { instanceEnvironment } from '../../../src/core/runtime/lambdaEnvironment';
import { discoverFunctions } from '../../../src/core/workspace/discovery';
import { readEnvVarsFile } from '../../../src/core/workspace/envVarsFile';
import { WORKSPACE_ERROR_CODES } from '../../../src/core/workspace/errors';
import { parseParameterOverrides } from '../../../src/core/workspace/parameterOverrides';
import { findProjectFiles, projectFileKind } from '../../../src/core/workspace/projectFiles';
import { fixture, lineOf, tempDir, useTempCache } from './helpers';

function byName<T extends { name: string }>(list: T[], name: string): T {
  const found = list.find((item) => item.name === name);
  if (!found) throw new Error(`${name} is not among ${list.map((item) => item.name).join(', ')}`);
  return found;
}

describe('template details', () => {
  useTempCache();

  describe('function names', () => {
    it('SAM FunctionName is the deployed name: the function sees it, and it names the function', async () => {
      const { functions } = await discoverFunctions(fixture('template-names'), { parameterOverrides: { Stage: 'prod' } });
      const named = byName(functions, 'NamedFunction');
      assert.equal(named.deployedName, 'orders-prod-named');
      assert.ok(isNamed(named, 'orders-prod-named') && isNamed(named, 'NamedFunction'));
      const env = instanceEnvironment({ definition: named, instanceId: 'i', runtimeApi: 'h:1', region: 'eu-west-1', taskRoot: '/var/task', hostEnv: {} });
      assert.equal(env.AWS_LAMBDA_FUNCTION_NAME, 'orders-prod-named');
      assert.equal(env.AWS_LAMBDA_LOG_GROUP_NAME, '/aws/lambda/orders-prod-named');
      assert.equal(byName(functions, 'PlainFunction').deployedName, undefined);
      assert.equal(lambdaFunctionName(byName(functions, 'PlainFunction')), 'PlainFunction');
    });

    it('serverless.yml: service-stage-function, or the function\'s own name', async () => {
      const { functions, problems } = await discoverFunctions(fixture('serverless-names'));
      assert.deepEqual(problems, []);
      assert.equal(byName(functions, 'cart').deployedName, 'shop-beta-cart');
      assert.equal(byName(functions, 'checkout').deployedName, 'shop-checkout-beta');
      const staged = await discoverFunctions(fixture('serverless-names'), { stage: 'prod' });
      assert.equal(byName(staged.functions, 'cart').deployedName, 'shop-prod-cart');
    });
  });

  describe('CDK apps', () => {
    it('reads the stack templates in cdk.out and runs each function from its asset folder', async () => {
      const dir = fixture('cdk-app');
      const files = await findProjectFiles(dir);
      assert.deepEqual(files, [{ file: path.join(dir, 'cdk.out', 'AppStack.template.json'), kind: 'sam' }]);
      assert.equal(projectFileKind(path.join(dir, 'cdk.out', 'AppStack.template.json')), 'sam', 'cdk synth rediscovers');
      assert.equal(projectFileKind(path.join(dir, 'cdk.out', 'assembly-Prod', 'AppStack.template.json')), 'sam');
      assert.equal(projectFileKind(path.join(dir, 'other', 'AppStack.template.json')), undefined);
      const { functions, problems } = await discoverFunctions(dir);
      assert.deepEqual(functions.map((f) => f.name), ['Greeter5E2C4F3B']);
      const [greeter] = functions;
      assert.equal(greeter.codeDir, path.join(dir, 'cdk.out', 'asset.5f3a9c01d2e4b6a8'));
      assert.deepEqual(greeter.layers, [{ name: 'WordsLayer3C1F0E1D', dir: path.join(dir, 'cdk.out', 'asset.77e1c0ffee0layer') }]);
      assert.deepEqual(greeter.unresolvedEnvironment, ['TABLE_ARN']);
      assert.deepEqual(problems.map((p) => p.code), [WORKSPACE_ERROR_CODES.unresolved], 'only the table name, known once deployed');
    });

    it('an asset folder that is gone says to synthesize again', async () => {
      const dir = path.join(tempDir('cdk'), 'app');
      fs.cpSync(fixture('cdk-app'), dir, { recursive: true });
      fs.rmSync(path.join(dir, 'cdk.out', 'asset.5f3a9c01d2e4b6a8'), { recursive: true });
      const { functions, problems } = await discoverFunctions(dir);
      assert.deepEqual(functions, []);
      const problem = problems.find((p) => p.code === WORKSPACE_ERROR_CODES.pathNotFound);
      assert.match(problem?.message ?? '', /Greeter5E2C4F3B: its CDK asset .*asset\.5f3a9c01d2e4b6a8 does not exist; run cdk synth again/);
      assert.equal(problem?.functionName, 'Greeter5E2C4F3B');
    });

    it('an AWS::Lambda::Function whose code is only in S3 is told what to do', async () => {
      const file = fixture('template-names', 'template.yaml');
      const { functions, problems } = await discoverFunctions(fixture('template-names'));
      assert.ok(!functions.some((f) => f.name === 'S3Function'));
      const problem = problems.find((p) => p.functionName === 'S3Function');
      assert.equal(problem?.line, lineOf(file, '      Code:'));
      assert.equal(problem?.message,
        "S3Function: its Code is in S3 (s3://my-artifacts/orders/function.zip), which cannot be run locally; set Code to the local folder or .zip of the code (as aws cloudformation package reads it), or, for a CDK app, run cdk synth and open the app's folder: the stack template in cdk.out names each function's local asset folder");
    });
  });

  describe('--env-vars files', () => {
    it('overrides declared variables as sam local does: Parameters, then the function\'s own entry by its name or FunctionName', async () => {
      const dir = fixture('template-names');
      const envVarsFile = path.join(dir, 'env.json');
      const prod = await discoverFunctions(dir, { parameterOverrides: { Stage: 'prod' }, envVarsFile });
      const named = byName(prod.functions, 'NamedFunction');
      assert.deepEqual(named.environment, {
        STAGE: 'from-function',
        SUBNETS: 'subnet-a',
        KEPT: 'from-template',
        TABLE_ARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/orders',
      });
      assert.equal(named.unresolvedEnvironment, undefined);
      assert.deepEqual(byName(prod.functions, 'PlainFunction').environment, { STAGE: 'from-parameters' }, 'NOT_DECLARED is not added');
      const dev = await discoverFunctions(dir, { envVarsFile });
      assert.equal(byName(dev.functions, 'NamedFunction').environment.STAGE, 'from-parameters', 'orders-prod-named is not this function in dev');
    });

    it('a file that is not in SAM\'s shape is one message naming the file and the fix', () => {
      const dir = tempDir('envvars');
      const write = (name: string, text: string) => {
        fs.writeFileSync(path.join(dir, name), text);
        return path.join(dir, name);
      };
      assert.throws(() => readEnvVarsFile(path.join(dir, 'missing.json')), /The environment variables file .*missing\.json cannot be read/);
      assert.throws(() => readEnvVarsFile(write('bad.json', '{"A": ')), /bad\.json is not JSON .*write \{"Parameters"/);
      assert.throws(() => readEnvVarsFile(write('flat.json', '{"TABLE": "orders"}')), /has "TABLE": "orders", which is not an object of variables; write "TABLE": \{"VAR": "value"\}/);
      const values = readEnvVarsFile(write('ok.json', '{"Fn": {"A": 1, "B": true, "C": null, "D": [1]}}'));
      assert.deepEqual(values.functions.Fn, { A: '1', B: 'true', C: '', D: '' });
    });

    it('a bad file met while watching is a problem of that file, and the functions still load', async () => {
      const dir = tempDir('envvars-watch');
      fs.writeFileSync(path.join(dir, 'env.json'), '[]');
      const { functions, problems } = await discoverFunctions(fixture('template-names'), { envVarsFile: path.join(dir, 'env.json') });
      assert.ok(functions.length > 0);
      assert.ok(problems.some((p) => p.code === WORKSPACE_ERROR_CODES.invalidEnvVars && p.file === path.join(dir, 'env.json')));
    });
  });

  describe('--parameter-overrides', () => {
    it('reads SAM\'s forms: Key=Value pairs, ParameterKey/ParameterValue, quotes, lists', () => {
      assert.deepEqual(parseParameterOverrides('Stage=prod Table=orders'), { Stage: 'prod', Table: 'orders' });
      assert.deepEqual(parseParameterOverrides('ParameterKey=Stage,ParameterValue=prod ParameterKey=Subnets,ParameterValue=a,b'), { Stage: 'prod', Subnets: 'a,b' });
      assert.deepEqual(parseParameterOverrides('Subnets=a,b Greeting="hello world" Other=\'x y\' Esc=a\\ b'), { Subnets: 'a,b', Greeting: 'hello world', Other: 'x y', Esc: 'a b' });
      assert.deepEqual(parseParameterOverrides('Stage=prod,Table=orders'), { Stage: 'prod', Table: 'orders' }, 'the comma form read before');
      assert.deepEqual(parseParameterOverrides('Url=https://x.test/a=b'), { Url: 'https://x.test/a=b' });
    });

    it('anything else is one message with the forms to use', () => {
      assert.throws(() => parseParameterOverrides('Stage'), /"Stage" is not a parameter value; write Key=Value pairs separated by spaces \(Stage=prod Table=orders\) or ParameterKey=Stage,ParameterValue=prod/);
    });

    it('a CommaDelimitedList override reaches the template as a list', async () => {
      const { functions } = await discoverFunctions(fixture('template-names'), { parameterOverrides: parseParameterOverrides('Subnets=subnet-a,subnet-b') });
      assert.equal(byName(functions, 'NamedFunction').environment.SUBNETS, 'subnet-a,subnet-b');
    });
  });
});
