import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { withLambdaDefaults, type FunctionDefinition } from '../../../src/core/functions/definition';
import type { FunctionHost } from '../../../src/core/runtime/functionHost';
import { discoverFunctions } from '../../../src/core/workspace/discovery';
import { packageFunctions } from '../../../src/core/workspace/packager';
import { makeFolder, parse, startDockerHost } from '../support/engine';

const fixtures = path.join(__dirname, '../../fixtures/runtime');

function fn(name: string, dir: string, handler: string): FunctionDefinition {
  const codeDir = path.join(fixtures, dir);
  return withLambdaDefaults({ name, runtime: 'nodejs20.x', handler, codeDir, source: { file: path.join(codeDir, 'template.yaml'), line: 1 } });
}

// Handler resolution and completion in a real instance (the local Node.js image on the Docker engine).
describe('handlers in Docker resolve and complete as on Lambda', function () {
  let host: FunctionHost;

  before(async () => {
    host = await startDockerHost();
    await host.deploy([
      fn('Extensionless', 'handlers/precedence/ext', 'app.handler'),
      fn('EsmPackageNested', 'handlers/esm-package', 'lib/orders.api.v1.create'),
      fn('MissingDepEsm', 'handlers/missing-dep', 'esm.handler'),
      fn('TopLevelAwait', 'handlers/tla', 'app.handler'),
      fn('CallbackThenSucceed', 'callbacks', 'app.callbackThenSucceed'),
      fn('CallbackWaits', 'callbacks', 'app.callbackWaits'),
      fn('CallbackNoWait', 'callbacks', 'app.callbackNoWait'),
      fn('ThrowsNaN', 'callbacks', 'app.throwsNaN'),
      fn('Traced', 'tracer', 'app.handler'),
    ]);
  });
  after(async () => host?.dispose());

  it('loads the extensionless module first, nested export paths under "type": "module", and waits for top-level await', async () => {
    assert.equal(parse((await host.invoke('Extensionless', Buffer.from('{}'))).payload), 'extensionless');
    assert.deepEqual(parse((await host.invoke('EsmPackageNested', Buffer.from('{"id":3}'))).payload), { created: 3, kind: 'undefined' });
    assert.deepEqual(parse((await host.invoke('TopLevelAwait', Buffer.from('{}'))).payload), { ready: true });
  });

  it('reports the missing package an ES module imports', async () => {
    const result = await host.invoke('MissingDepEsm', Buffer.from('{}'));
    assert.equal(result.error?.errorType, 'Runtime.ImportModuleError');
    assert.equal(result.error?.errorMessage, "Error: Cannot find package '@lambda-dock-fixture/not-installed' imported from /var/task/esm.mjs");
  });

  it('honours the first completion and callbackWaitsForEmptyEventLoop, and reports NaN as Lambda does', async () => {
    assert.equal(parse((await host.invoke('CallbackThenSucceed', Buffer.from('{}'))).payload), 'callback first');
    assert.match((await host.invoke('CallbackWaits', Buffer.from('{}'))).logs, /\tINFO\ttimer ran true\n[^]*END RequestId/);
    assert.doesNotMatch((await host.invoke('CallbackNoWait', Buffer.from('{}'))).logs, /timer left running/);
    assert.deepEqual(parse((await host.invoke('ThrowsNaN', Buffer.from('{}'))).payload), { errorType: 'number', errorMessage: 'NaN', trace: [] });
  });

  it("keeps the runtime's own calls out of a tracer that patches http (X-Ray, OpenTelemetry), as Lambda's native client does", async () => {
    const first = await host.invoke('Traced', Buffer.from('{}'));
    const second = await host.invoke('Traced', Buffer.from('{}'));
    assert.deepEqual(parse(first.payload), { traced: [] });
    assert.deepEqual(parse(second.payload), { traced: [] }, 'the poll for the second event and the first answer went through the patched http.request');
  });

  it('runs an ES module bundle built with MainFields module,main, whose packages ship a CommonJS build that requires Node modules', async () => {
    const dir = makeFolder({
      'template.yaml': [
        'Transform: AWS::Serverless-2016-10-31',
        'Resources:',
        '  Bundled:',
        '    Type: AWS::Serverless::Function',
        '    Properties: { CodeUri: src/, Handler: app.handler, Runtime: nodejs20.x }',
        '    Metadata:',
        '      BuildMethod: esbuild',
        '      BuildProperties: { Format: esm, MainFields: "module,main", EntryPoints: [app.ts] }',
      ].join('\n'),
      'src/app.ts': "import { agentKind } from 'dual';\nexport const handler = async () => agentKind();\n",
      'src/node_modules/dual/package.json': JSON.stringify({ name: 'dual', main: 'cjs.js', module: 'esm.js' }),
      'src/node_modules/dual/cjs.js': "const https = require('node:https');\nexports.agentKind = () => typeof https.Agent;\n",
      'src/node_modules/dual/esm.js': "import * as https from 'node:https';\nexport const agentKind = () => typeof https.Agent;\n",
    });
    const { functions, problems } = await discoverFunctions(dir);
    assert.deepEqual(problems, []);
    await host.deploy(await packageFunctions(functions));
    const result = await host.invoke('Bundled', Buffer.from('{}'));
    assert.equal(result.status, 'ok', result.payload.toString());
    assert.equal(parse(result.payload), 'function');
  });

  it('injects constructor parameters by decorator metadata when tsconfig.json sets emitDecoratorMetadata (NestJS-style)', async () => {
    const dir = makeFolder({
      'template.yaml': [
        'Transform: AWS::Serverless-2016-10-31',
        'Resources:',
        '  Injected:',
        '    Type: AWS::Serverless::Function',
        '    Properties: { CodeUri: src/, Handler: app.handler, Runtime: nodejs20.x }',
        '    Metadata: { BuildMethod: esbuild, BuildProperties: { EntryPoints: [app.ts] } }',
      ].join('\n'),
      'tsconfig.json': '{ "compilerOptions": { "experimentalDecorators": true, "emitDecoratorMetadata": true } }',
      'src/app.ts': [
        '// A tiny injector: it builds a class from the parameter types the compiler recorded.',
        'const paramTypes = new Map<Function, Function[]>();',
        "(Reflect as any).metadata = (key: string, types: Function[]) => (target: Function) => { if (key === 'design:paramtypes') paramTypes.set(target, types); };",
        'const Injectable = (): ClassDecorator => () => undefined;',
        'const make = (type: any): any => new type(...(paramTypes.get(type) ?? []).map(make));',
        "class Greeter { greet() { return 'hello from the injected service'; } }",
        '@Injectable()',
        'class Controller { constructor(readonly greeter: Greeter) {} run() { return this.greeter.greet(); } }',
        'export const handler = async () => make(Controller).run();',
      ].join('\n'),
    });
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(path.dirname(require.resolve('typescript/package.json')), path.join(dir, 'node_modules', 'typescript'));
    const { functions, problems } = await discoverFunctions(dir);
    assert.deepEqual(problems, []);
    await host.deploy(await packageFunctions(functions));
    const result = await host.invoke('Injected', Buffer.from('{}'));
    assert.equal(result.status, 'ok', result.payload.toString());
    assert.equal(parse(result.payload), 'hello from the injected service');
  });

  it('accepts a nested export path in a SAM template and runs it (the check before launch and the loader agree)', async () => {
    const dir = makeFolder({
      'template.yaml': 'Transform: AWS::Serverless-2016-10-31\nResources:\n  Orders:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n      Handler: handlers.v2.orders.list\n      Runtime: nodejs20.x\n',
      'src/handlers.js': "exports.v2 = { orders: { list: async () => 'listed' } };",
    });
    const { functions, problems } = await discoverFunctions(dir);
    assert.deepEqual(problems, []);
    await host.deploy(functions);
    assert.equal(parse((await host.invoke('Orders', Buffer.from('{}'))).payload), 'listed');
  });
});
