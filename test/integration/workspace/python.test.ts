import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { deployFixture, json, nextDeploy, parse, type DeployedWorkspace } from './support';

describe('a SAM workspace with Python and custom-runtime functions', () => {
  let ws: DeployedWorkspace | undefined;
  afterEach(async () => {
    await ws?.dispose();
    ws = undefined;
  });

  it("installs requirements.txt with the machine's pip into the build, finds the layer's python/ folder, and builds a BuildMethod python3.12 layer into /opt/python", async () => {
    ws = await deployFixture('sam-python');
    const orders = ws.report.functions.find((f) => f.name === 'OrdersFunction')!;
    assert.equal(orders.change, 'added', orders.error);
    assert.ok(orders.buildMs !== undefined, 'the pip install is the build step');
    const result = await ws.host.invoke('OrdersFunction', json({ items: [{ price: 3, quantity: 2 }, { price: 4 }] }));
    assert.equal(result.status, 'ok', result.logs);
    assert.deepEqual(parse(result.payload), { total: 10, six: 'six', sixFrom: '/var/task', table: 'orders', status: 'priced', discount: 'SPRING', idnaFrom: '/opt/python' });
    assert.match(result.logs, new RegExp(`\\[INFO\\]\\t\\S+Z\\t${result.requestId}\\tpricing 2 items for orders\\n`));
  });

  it('runs the custom runtime of the same template', async () => {
    ws = await deployFixture('sam-python');
    const result = await ws.host.invoke('ShellFunction', json({ hello: 'shell' }));
    assert.equal(result.status, 'ok', result.logs);
    assert.deepEqual(parse(result.payload), { echo: { hello: 'shell' }, handler: 'function.handler', taskRoot: '/var/task', custom: '' });
  });

  it('redeploys a Python function when a .py file is saved, without installing its requirements again', async () => {
    ws = await deployFixture('sam-python');
    await ws.deployer.watch();
    const app = path.join(ws.dir, 'orders', 'app.py');
    const redeployed = nextDeploy(ws.deployer, 30_000);
    fs.writeFileSync(app, fs.readFileSync(app, 'utf8').replace('"priced"', '"repriced"'));
    const report = await redeployed;
    assert.deepEqual(report.changedFiles, ['orders/app.py']);
    assert.deepEqual(report.functions.map((f) => [f.name, f.change]), [['OrdersFunction', 'changed']]);
    assert.ok(report.functions[0].buildMs! < 1000, `requirements.txt did not change, so pip is not run again (${report.functions[0].buildMs} ms)`);
    const result = await ws.host.invoke('OrdersFunction', json({ items: [] }));
    assert.equal((parse(result.payload) as { status: string }).status, 'repriced');
  });

  it('says in one message which requirement pip could not get, and does not run the function until it builds', async () => {
    ws = await deployFixture('sam-python');
    await ws.deployer.watch();
    const requirements = path.join(ws.dir, 'orders', 'requirements.txt');
    const redeployed = nextDeploy(ws.deployer, 60_000);
    fs.writeFileSync(requirements, 'six>=1.16\nlambda-dock-no-such-package==9.9.9\n');
    const report = await redeployed;
    const [orders] = report.functions;
    assert.equal(orders.change, 'failed');
    assert.match(orders.error!, /^OrdersFunction: pip could not install .*requirements\.txt: .*lambda-dock-no-such-package==9\.9\.9.*\. Fix the requirement, or pip's configuration \(pip config list\)/);
    assert.equal(orders.error!.split('\n').length, 1, 'one line');
    await assert.rejects(ws.host.invoke('OrdersFunction', json({})), (error: Error) => {
      assert.ok(error.message.startsWith('OrdersFunction was not run because its last build failed'), error.message);
      assert.ok(error.message.includes(orders.error!), error.message);
      return true;
    });
  });
});
