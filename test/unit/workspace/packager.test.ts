import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { discoverFunctions } from '../../../src/core/workspace/discovery';
import { FunctionPackager } from '../../../src/core/workspace/packager';
import { WORKSPACE_ERROR_CODES } from '../../../src/core/workspace/errors';
import { isLambdaDockError } from '../../../src/core/errors';
import { copyFixture, fixture, lineOf, tempDir, useTempCache, writeFiles } from './helpers';

/** Runs a built handler with the host's node, as the runtime would load it. */
function runHandler(codeDir: string, file: string, event: unknown, nodeOptions = '--enable-source-maps'): string {
  const script = `require(${JSON.stringify(path.join(codeDir, file))}).lambdaHandler(${JSON.stringify(event)}).then((r) => console.log(JSON.stringify(r)), (e) => console.log(e.stack))`;
  return execFileSync(process.execPath, [...nodeOptions.split(' ').filter(Boolean), '-e', script], { encoding: 'utf8' });
}

describe('building and packaging functions', () => {
  const cache = useTempCache();
  let packager: FunctionPackager;
  beforeEach(() => { packager = new FunctionPackager(); });
  afterEach(async () => { await packager.dispose(); });

  it('bundles the TypeScript hello world with source maps that point at the .ts line', async () => {
    const dir = copyFixture('sam-hello-ts');
    const { functions } = await discoverFunctions(dir);
    const packaged = await packager.package(functions[0]);
    assert.ok(packaged.codeDir?.startsWith(path.join(cache.dir, 'content')));
    assert.deepEqual(fs.readdirSync(packaged.codeDir!).sort(), ['app.js', 'app.js.map']);
    assert.equal(packaged.definition.codeDir, packaged.codeDir);
    assert.equal(packaged.definition.environment.NODE_OPTIONS, '--enable-source-maps');
    assert.equal(packaged.incrementalBuild, false);
    assert.deepEqual(packaged.inputs.sort(), [path.join(dir, 'hello-world', 'app.ts'), path.join(dir, 'hello-world', 'greeting.ts')].sort());
    const map = JSON.parse(fs.readFileSync(path.join(packaged.codeDir!, 'app.js.map'), 'utf8')) as { sourcesContent?: string[] };
    assert.equal(map.sourcesContent?.length, 2, 'the map carries the sources');
    assert.deepEqual(JSON.parse(runHandler(packaged.codeDir!, 'app.js', {})), { statusCode: 200, body: '{"message":"hello world"}' });
    const trace = runHandler(packaged.codeDir!, 'app.js', { fail: true });
    const appTs = path.join(dir, 'hello-world', 'app.ts');
    assert.match(trace, new RegExp(`app\\.ts:${lineOf(appTs, "throw new Error('asked to fail')")}:`), trace);
  });

  it('rebuilds incrementally in tens of milliseconds after one file changes', async () => {
    const dir = copyFixture('sam-hello-ts');
    const { functions } = await discoverFunctions(dir);
    const first = await packager.package(functions[0]);
    const greeting = path.join(dir, 'hello-world', 'greeting.ts');
    fs.writeFileSync(greeting, fs.readFileSync(greeting, 'utf8').replace('hello ${name}', 'hi ${name}'));
    const second = await packager.package(functions[0]);
    assert.equal(second.incrementalBuild, true);
    assert.notEqual(second.codeDir, first.codeDir);
    assert.equal(second.codeChanged, true);
    assert.ok(second.timings.buildMs! < 200, `rebuild took ${second.timings.buildMs} ms`);
    assert.deepEqual(JSON.parse(runHandler(second.codeDir!, 'app.js', {})), { statusCode: 200, body: '{"message":"hi world"}' });
    // Nothing changed: the same cached folder, nothing copied.
    const third = await packager.package(functions[0]);
    assert.deepEqual([third.codeDir, third.codeChanged], [second.codeDir, false]);
    // The first version is untouched for instances still running it.
    assert.deepEqual(JSON.parse(runHandler(first.codeDir!, 'app.js', {})).body, '{"message":"hello world"}');
  });

  it('reports a build error with the file and line, and builds again once fixed', async () => {
    const dir = copyFixture('sam-hello-ts');
    const { functions } = await discoverFunctions(dir);
    await packager.package(functions[0]);
    const app = path.join(dir, 'hello-world', 'app.ts');
    const good = fs.readFileSync(app, 'utf8');
    fs.writeFileSync(app, good.replace('return {', 'return {{'));
    await assert.rejects(packager.package(functions[0]), (e: unknown) => isLambdaDockError(e, WORKSPACE_ERROR_CODES.buildFailed) && /app\.ts:\d+:\d+: .*fix the source and save again/.test(e.message));
    fs.writeFileSync(app, good);
    assert.ok((await packager.package(functions[0])).codeDir);
  });

  it('uses plain JavaScript as it is and merges its layers for /opt', async () => {
    const { functions } = await discoverFunctions(fixture('sam-layer'));
    const packaged = await packager.package(functions[0]);
    assert.equal(packaged.timings.buildMs, undefined);
    assert.deepEqual(fs.readdirSync(packaged.codeDir!), ['index.js']);
    assert.equal(fs.readFileSync(path.join(packaged.layersDir!, 'config.txt'), 'utf8').trim(), 'override');
    assert.ok(fs.existsSync(path.join(packaged.layersDir!, 'nodejs', 'node_modules', 'shared-greeting', 'index.js')));
    // One merged layer, which keeps the folders merged into it for a debugger (see core/debug/sourceRoots).
    assert.deepEqual(packaged.definition.layers, [{
      name: 'SharedLayer+OverrideLayer',
      dir: packaged.layersDir,
      sources: [{ dir: fixture('sam-layer', 'layers', 'shared') }, { dir: fixture('sam-layer', 'layers', 'override') }],
    }]);
    // Its code is a copy of the workspace folder, where a debugger finds the files.
    assert.equal(packaged.definition.codeSourceDir, functions[0].codeDir);
    assert.equal(packaged.definition.environment.NODE_OPTIONS, undefined);
  });

  it('packages a serverless function with its package patterns', async () => {
    const { functions } = await discoverFunctions(fixture('serverless'));
    const goodbye = await packager.package(functions.find((f) => f.name === 'goodbye')!);
    assert.deepEqual(fs.readdirSync(goodbye.codeDir!).sort(), ['handlers', 'layers']);
    assert.deepEqual(fs.readdirSync(path.join(goodbye.codeDir!, 'handlers')), ['goodbye.js']);
    const hello = await packager.package(functions.find((f) => f.name === 'hello')!);
    assert.deepEqual(fs.readdirSync(path.join(hello.codeDir!, 'handlers')).sort(), ['goodbye.js', 'hello.js']);
    assert.ok(!fs.existsSync(path.join(hello.codeDir!, 'docs')));
    assert.ok(!fs.existsSync(path.join(hello.codeDir!, 'serverless.yml')));
  });

  it('builds ESM output as .mjs', async () => {
    const dir = copyFixture('sam-hello-ts');
    const template = path.join(dir, 'template.yaml');
    fs.writeFileSync(template, fs.readFileSync(template, 'utf8').replace('Minify: false', 'Minify: false\n        Format: esm'));
    const { functions } = await discoverFunctions(dir);
    const packaged = await packager.package(functions[0]);
    assert.deepEqual(fs.readdirSync(packaged.codeDir!).sort(), ['app.mjs', 'app.mjs.map']);
  });

  it("takes a package's entry from the MainFields BuildProperties name, in their order, as sam build does", async () => {
    const dir = tempDir('main-fields');
    const template = (mainFields: string) => [
      'Transform: AWS::Serverless-2016-10-31',
      'Resources:',
      '  Dual:',
      '    Type: AWS::Serverless::Function',
      '    Properties: { CodeUri: src/, Handler: app.handler, Runtime: nodejs20.x }',
      '    Metadata:',
      '      BuildMethod: esbuild',
      `      BuildProperties: { Format: esm, EntryPoints: [app.ts]${mainFields} }`,
    ].join('\n');
    writeFiles(dir, {
      'src/app.ts': "import { kind } from 'dual';\nexport const handler = async () => kind;\n",
      'src/node_modules/dual/package.json': JSON.stringify({ name: 'dual', main: 'cjs.js', module: 'esm.js' }),
      'src/node_modules/dual/cjs.js': "exports.kind = 'commonjs';\n",
      'src/node_modules/dual/esm.js': "export const kind = 'es module';\n",
    });
    const built = async (mainFields: string) => {
      fs.writeFileSync(path.join(dir, 'template.yaml'), template(mainFields));
      const { functions, problems } = await discoverFunctions(dir);
      assert.deepEqual(problems, []);
      const packaged = await packager.package(functions[0]);
      return fs.readFileSync(path.join(packaged.codeDir!, 'app.mjs'), 'utf8');
    };
    assert.match(await built(', MainFields: "module,main"'), /es module/);
    assert.doesNotMatch(await built(', MainFields: "module,main"'), /commonjs/);
    assert.match(await built(', MainFields: [main, module]'), /commonjs/);
    assert.match(await built(''), /commonjs/, "esbuild's own order for Node.js without MainFields");
  });

  it("compiles .ts with the project's TypeScript when tsconfig.json sets emitDecoratorMetadata, which esbuild cannot emit", async () => {
    const dir = tempDir('decorators');
    writeFiles(dir, {
      'template.yaml': [
        'Transform: AWS::Serverless-2016-10-31',
        'Resources:',
        '  Injected:',
        '    Type: AWS::Serverless::Function',
        '    Properties: { CodeUri: src/, Handler: app.lambdaHandler, Runtime: nodejs20.x }',
        '    Metadata: { BuildMethod: esbuild, BuildProperties: { EntryPoints: [app.ts] } }',
      ].join('\n'),
      'tsconfig.json': '{\n  // as NestJS projects have it\n  "compilerOptions": { "experimentalDecorators": true, "emitDecoratorMetadata": true }\n}\n',
      'src/app.ts': [
        'const injected: string[][] = [];',
        '// What reflect-metadata records, as a dependency injector reads it.',
        "(Reflect as any).metadata = (key: string, types: Function[]) => () => { if (key === 'design:paramtypes') injected.push(types.map((t) => t.name)); };",
        'const Injectable = (): ClassDecorator => () => undefined;',
        'class OrderService {}',
        '@Injectable()',
        'class OrderController { constructor(readonly orders: OrderService) {} }',
        'export const lambdaHandler = async () => ({ injected, controller: typeof OrderController });',
      ].join('\n'),
    });
    const { functions, problems } = await discoverFunctions(dir);
    assert.deepEqual(problems, []);
    await assert.rejects(packager.package(functions[0]), (error: Error) => {
      assert.match(error.message, /tsconfig\.json sets emitDecoratorMetadata, which esbuild cannot emit; add typescript to the project's dependencies/);
      return true;
    });
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(path.dirname(require.resolve('typescript/package.json')), path.join(dir, 'node_modules', 'typescript'));
    const packaged = await packager.package(functions[0]);
    assert.deepEqual(JSON.parse(runHandler(packaged.codeDir!, 'app.js', {})), { injected: [['OrderService']], controller: 'function' });
  });

  it('says which links it left out of the code, and why, without failing', async () => {
    const dir = copyFixture('sam-hello-js');
    const codeDir = path.join(dir, 'hello-world');
    fs.mkdirSync(path.join(codeDir, 'node_modules'));
    fs.symlinkSync('../../shared-lib', path.join(codeDir, 'node_modules', 'shared-lib'));
    const { functions } = await discoverFunctions(dir);
    const packaged = await packager.package(functions[0]);
    assert.deepEqual(packaged.warnings, [
      'HelloWorldFunction: node_modules/shared-lib is a link to ../../shared-lib, which does not exist; it is left out of the code (reinstall, or fix the link)',
    ]);
    assert.equal(fs.existsSync(path.join(packaged.codeDir!, 'node_modules', 'shared-lib')), false);
  });
});
