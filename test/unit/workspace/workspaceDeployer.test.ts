import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FunctionDefinition } from '../../../src/core/functions/definition';
import type { LambdaBackend } from '../../../src/core/engine/backend';
import type { DeployReport } from '../../../src/core/runtime/functionHost';
import type { BuildFailure } from '../../../src/core/runtime/invoker';
import { WorkspaceDeployer, type DeployHost, type WorkspaceDeployReport } from '../../../src/core/workspace/workspaceDeployer';
import { copyFixture, tempDir, useTempCache } from './helpers';

/** An engine that records what it is given and answers by comparing code folders, as fingerprints would. */
class FakeHost implements DeployHost {
  readonly backend = { name: 'fake', isolated: true } as unknown as LambdaBackend;
  readonly session = { id: 'test' };
  readonly deployed: FunctionDefinition[][] = [];
  readonly prewarmed: string[] = [];
  private readonly fingerprints = new Map<string, string>();

  async deploy(definitions: readonly FunctionDefinition[]): Promise<DeployReport> {
    this.deployed.push([...definitions]);
    const functions = definitions.map((d) => {
      const fingerprint = JSON.stringify({ ...d, source: undefined });
      const before = this.fingerprints.get(d.name);
      this.fingerprints.set(d.name, fingerprint);
      return { name: d.name, change: before === undefined ? 'added' as const : before === fingerprint ? 'unchanged' as const : 'changed' as const, fingerprint, packageMs: 0 };
    });
    return { functions, removed: [] };
  }

  async prewarm(name: string): Promise<void> {
    this.prewarmed.push(name);
  }

  readonly buildFailures = new Map<string, BuildFailure>();
  setBuildFailure(definition: FunctionDefinition, failure: BuildFailure | undefined): void {
    if (failure) this.buildFailures.set(definition.name, failure);
    else this.buildFailures.delete(definition.name);
  }
}

function workspaceWithTwoProjects(): string {
  const dir = path.join(tempDir('deployer'), 'ws');
  fs.mkdirSync(dir);
  fs.cpSync(copyFixture('sam-hello-ts'), path.join(dir, 'ts'), { recursive: true });
  fs.cpSync(copyFixture('sam-layer'), path.join(dir, 'layer'), { recursive: true });
  return dir;
}

function nextDeploy(deployer: WorkspaceDeployer): Promise<WorkspaceDeployReport> {
  return new Promise((resolve, reject) => {
    deployer.once('deployed', resolve);
    deployer.once('error', reject);
  });
}

describe('WorkspaceDeployer', () => {
  useTempCache();
  let deployer: WorkspaceDeployer | undefined;
  afterEach(async () => {
    await deployer?.dispose();
    deployer = undefined;
  });

  it('deploys every function packaged, and pre-warms the new ones', async () => {
    const host = new FakeHost();
    const dir = workspaceWithTwoProjects();
    deployer = new WorkspaceDeployer(host, { workspace: dir, prewarm: true });
    const report = await deployer.deploy();
    assert.deepEqual(report.functions.map((f) => [f.name, f.change]).sort(), [['GreeterFunction', 'added'], ['HelloWorldFunction', 'added']]);
    const [definitions] = host.deployed;
    for (const d of definitions) assert.match(d.codeDir ?? '', /content\/[0-9a-f]{32}$/);
    assert.deepEqual(host.prewarmed.sort(), ['GreeterFunction', 'HelloWorldFunction']);
    const again = await deployer.deploy();
    assert.ok(again.functions.every((f) => f.change === 'unchanged'));
  });

  it('maps saved files to the functions they belong to', async () => {
    const dir = workspaceWithTwoProjects();
    deployer = new WorkspaceDeployer(new FakeHost(), { workspace: dir });
    await deployer.deploy();
    assert.deepEqual([...deployer.affectedBy([path.join(dir, 'ts', 'hello-world', 'greeting.ts')])!], ['HelloWorldFunction']);
    assert.deepEqual([...deployer.affectedBy([path.join(dir, 'layer', 'layers', 'override', 'config.txt')])!], ['GreeterFunction']);
    assert.deepEqual([...deployer.affectedBy([path.join(dir, 'README.md')])!], []);
    assert.equal(deployer.affectedBy([path.join(dir, 'layer', 'template.yaml')]), undefined, 'a template change rediscovers');
  });

  it('watches: a save rebuilds and redeploys only the function it affects', async () => {
    const host = new FakeHost();
    const dir = workspaceWithTwoProjects();
    deployer = new WorkspaceDeployer(host, { workspace: dir, debounceMs: 40 });
    await deployer.watch();
    const redeployed = nextDeploy(deployer);
    const file = path.join(dir, 'ts', 'hello-world', 'greeting.ts');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('hello', 'hey'));
    const report = await redeployed;
    assert.deepEqual(report.changedFiles, [path.join('ts', 'hello-world', 'greeting.ts')]);
    const changes = Object.fromEntries(report.functions.map((f) => [f.name, f.change]));
    assert.deepEqual(changes, { HelloWorldFunction: 'changed' }, 'the report names what was rebuilt, nothing else');
    assert.equal(report.functions.find((f) => f.name === 'HelloWorldFunction')?.incremental, true);
    assert.equal(host.deployed.at(-1)?.length, 2, 'the engine always gets the whole set');
  });

  it('a build that fails is recorded with its file and line on the engine, and cleared by the next good build', async () => {
    const host = new FakeHost();
    const dir = workspaceWithTwoProjects();
    deployer = new WorkspaceDeployer(host, { workspace: dir, debounceMs: 40 });
    await deployer.watch();
    const file = path.join(dir, 'ts', 'hello-world', 'greeting.ts');
    const good = fs.readFileSync(file, 'utf8');
    let redeployed = nextDeploy(deployer);
    fs.writeFileSync(file, `${good}\nexport const broken = ;\n`);
    const failed = await redeployed;
    assert.equal(failed.functions.find((f) => f.name === 'HelloWorldFunction')?.change, 'failed');
    const failure = host.buildFailures.get('HelloWorldFunction');
    assert.equal(failure?.file, file);
    assert.equal(failure?.line, good.split('\n').length + 1);
    assert.match(failure?.message ?? '', /greeting\.ts:\d+:\d+: Unexpected ";"/);
    redeployed = nextDeploy(deployer);
    fs.writeFileSync(file, good.replace('hello', 'hi'));
    await redeployed;
    assert.equal(host.buildFailures.has('HelloWorldFunction'), false);
  });
});
