import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InvokeCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { LABELS } from '../../../src/core/engine/backend';
import { InvokeApiServer } from '../../../src/core/api/server';
import { WorkspaceDeployer } from '../../../src/core/workspace/workspaceDeployer';
import { lambdaDock } from '../support/cli';
import { docker, requireEngine, startDockerHost } from '../support/engine';

const FIXTURES = path.resolve(__dirname, '../../fixtures/workspaces');

function copyFixture(name: string): string {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), `lambda-dock-cli-${name}-`)), name);
  fs.cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

async function containersFor(workspace: string) {
  return docker.listContainers({ all: true, filters: { label: [`${LABELS.workspace}=${workspace}`] } });
}

function payloadOf(stdout: string): Record<string, unknown> {
  const result = JSON.parse(stdout) as { status: string; payload: Record<string, unknown>; error: unknown };
  assert.equal(result.status, 'ok', JSON.stringify(result.error));
  return result.payload;
}

describe('template details through the command line and the Invoke API', function () {
  before(requireEngine);

  it('invokes a SAM function by its FunctionName, with --parameter-overrides and --env-vars as sam local reads them', async () => {
    const dir = copyFixture('template-names');
    const listed = await lambdaDock(['functions', '--workspace', dir, '--parameter-overrides', 'ParameterKey=Stage,ParameterValue=prod']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^NamedFunction \(orders-prod-named\)\s+nodejs20\.x app\.handler/m);
    assert.match(listed.stdout, /^PlainFunction\s+nodejs20\.x/m);

    const run = await lambdaDock(['invoke', 'orders-prod-named', '--workspace', dir, '--json',
      '--parameter-overrides', 'Stage=prod Subnets=subnet-a,subnet-b', '--env-vars', path.join(dir, 'env.json')]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(payloadOf(run.stdout), {
      functionName: 'orders-prod-named',
      envName: 'orders-prod-named',
      arn: 'arn:aws:lambda:us-east-1:000000000000:function:orders-prod-named',
      stage: 'from-function',
      subnets: 'subnet-a,subnet-b',
      tableArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/orders',
      kept: 'from-template',
      notDeclared: null,
    });
    const byLogicalId = await lambdaDock(['invoke', 'NamedFunction', '--workspace', dir, '--json'], { AWS_REGION: 'us-east-1' });
    assert.equal(byLogicalId.code, 0, byLogicalId.stderr);
    assert.equal(payloadOf(byLogicalId.stdout).functionName, 'orders-dev-named');
  });

  it('a bad --env-vars file is one message before anything starts', async () => {
    const dir = copyFixture('template-names');
    fs.writeFileSync(path.join(dir, 'flat.json'), '{"STAGE": "prod"}');
    const run = await lambdaDock(['invoke', 'PlainFunction', '--workspace', dir, '--env-vars', path.join(dir, 'flat.json')]);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, `lambda-dock: The environment variables file ${path.join(dir, 'flat.json')} has "STAGE": "prod", which is not an object of variables; write "STAGE": {"VAR": "value"}\n`);
    const badOverride = await lambdaDock(['invoke', 'PlainFunction', '--workspace', dir, '--parameter-overrides', 'Stage']);
    assert.equal(badOverride.code, 1);
    assert.match(badOverride.stderr, /^lambda-dock: --parameter-overrides: "Stage" is not a parameter value; write Key=Value pairs/);
    assert.deepEqual(await containersFor(dir), []);
  });

  it('serverless.yml: the deployed name is the function\'s name inside it, and both names invoke it', async () => {
    const dir = copyFixture('serverless-names');
    for (const [name, expected] of [['cart', 'shop-beta-cart'], ['shop-beta-cart', 'shop-beta-cart'], ['shop-checkout-beta', 'shop-checkout-beta']]) {
      const run = await lambdaDock(['invoke', name, '--workspace', dir, '--json']);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(payloadOf(run.stdout), { functionName: expected, envName: expected });
    }
  });

  it('a CDK app runs from cdk.out: the function and its layer from their asset folders', async () => {
    const dir = copyFixture('cdk-app');
    const run = await lambdaDock(['invoke', 'Greeter5E2C4F3B', '--workspace', dir, '--json', '--payload', '{"name":"synth"}']);
    assert.equal(run.code, 0, run.stderr);
    const payload = payloadOf(run.stdout);
    assert.equal(payload.greeting, 'hello from the layer asset synth');
  });

  it('the Invoke API accepts the deployed name, and a function whose build failed answers with that failure', async () => {
    const dir = copyFixture('template-names');
    fs.mkdirSync(path.join(dir, 'ts'));
    fs.writeFileSync(path.join(dir, 'ts', 'app.ts'), 'export const handler = async (): Promise<string> => "built";\n');
    fs.appendFileSync(path.join(dir, 'template.yaml'), [
      '  TypedFunction:',
      '    Type: AWS::Serverless::Function',
      '    Properties:',
      '      FunctionName: typed-fn',
      '      CodeUri: ts/',
      '      Handler: app.handler',
      '      Runtime: nodejs20.x',
      '',
    ].join('\n'));
    const host = await startDockerHost({ workspace: dir });
    const deployer = new WorkspaceDeployer(host, { workspace: dir });
    const server = new InvokeApiServer({ invoker: host, port: 0 });
    const client = new LambdaClient({ endpoint: await server.start(), region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    try {
      await deployer.deploy();
      const ok = await client.send(new InvokeCommand({ FunctionName: 'typed-fn', Payload: Buffer.from('{}') }));
      assert.equal(Buffer.from(ok.Payload!).toString(), '"built"');
      const listed = await client.send(new ListFunctionsCommand({}));
      assert.ok(listed.Functions?.some((f) => f.FunctionName === 'TypedFunction'));

      fs.writeFileSync(path.join(dir, 'ts', 'app.ts'), 'export const handler = async (): Promise<string> => {\n  return "built" +;\n};\n');
      const report = await deployer.deploy();
      assert.equal(report.functions.find((f) => f.name === 'TypedFunction')?.change, 'failed');
      for (const name of ['typed-fn', 'TypedFunction']) {
        await assert.rejects(client.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{}') })), (error: Error & { $metadata?: { httpStatusCode?: number } }) => {
          assert.equal(error.name, 'ResourceConflictException');
          assert.equal(error.$metadata?.httpStatusCode, 409);
          assert.match(error.message, new RegExp(`^TypedFunction was not run because its last build failed \\(its last good build is not used\\): TypedFunction does not build: app\\.ts:2:\\d+: `));
          return true;
        });
      }
    } finally {
      client.destroy();
      await server.close();
      await deployer.dispose();
      await host.dispose();
    }
  });
});
