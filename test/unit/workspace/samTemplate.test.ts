import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { discoverSamTemplate, mergeGlobals } from '../../../src/core/workspace/samTemplate';
import { WORKSPACE_ERROR_CODES } from '../../../src/core/workspace/errors';
import { copyFixture, fixture, lineOf, useTempCache, writeZip } from './helpers';

describe('SAM templates', () => {
  const cache = useTempCache();

  it('reads the SAM hello world for Node.js in JavaScript as it is (no build)', async () => {
    const file = fixture('sam-hello-js', 'template.yaml');
    const { functions, problems } = await discoverSamTemplate(file);
    assert.deepEqual(problems, []);
    assert.equal(functions.length, 1);
    const [fn] = functions;
    assert.equal(fn.name, 'HelloWorldFunction');
    assert.equal(fn.handler, 'app.lambdaHandler');
    assert.equal(fn.runtime, 'nodejs20.x');
    assert.equal(fn.codeDir, fixture('sam-hello-js', 'hello-world'));
    assert.equal(fn.timeoutSeconds, 3);
    assert.equal(fn.memorySizeMB, 128);
    assert.equal(fn.build, undefined);
    assert.deepEqual(fn.source, { file, line: lineOf(file, 'HelloWorldFunction:') });
  });

  it('plans an esbuild build for the TypeScript hello world, into a folder of the cache', async () => {
    const { functions, problems } = await discoverSamTemplate(fixture('sam-hello-ts', 'template.yaml'));
    assert.deepEqual(problems, []);
    const [fn] = functions;
    assert.ok(fn.codeDir?.startsWith(path.join(cache.dir, 'builds')), fn.codeDir);
    assert.equal(fn.build?.sourceDir, fixture('sam-hello-ts', 'hello-world'));
    assert.deepEqual(fn.build?.esbuild, {
      entryPoints: [fixture('sam-hello-ts', 'hello-world', 'app.ts')],
      format: 'cjs',
      target: 'es2020',
      sourcemap: 'linked',
      external: [],
      minify: false,
    });
  });

  it('attaches local layers in order: a serverless LayerVersion by !Ref and a Lambda LayerVersion by !GetAtt', async () => {
    const { functions, problems } = await discoverSamTemplate(fixture('sam-layer', 'template.yaml'));
    assert.deepEqual(problems, []);
    assert.deepEqual(functions[0].layers, [
      { name: 'SharedLayer', dir: fixture('sam-layer', 'layers', 'shared') },
      { name: 'OverrideLayer', dir: fixture('sam-layer', 'layers', 'override') },
    ]);
  });

  it('merges Globals.Function and resolves parameters, conditions, mappings and intrinsics', async () => {
    const file = fixture('sam-globals', 'template.yaml');
    const { functions, problems } = await discoverSamTemplate(file);
    assert.deepEqual(functions.map((f) => f.name), ['GreetFunction', 'OrdersFunction'], 'ProdOnlyFunction has a false Condition');
    const [greet, orders] = functions;
    assert.equal(greet.runtime, 'nodejs20.x');
    assert.equal(greet.memorySizeMB, 512, 'the function wins over Globals');
    assert.equal(greet.timeoutSeconds, 10, 'from Globals');
    assert.equal(greet.ephemeralStorageMB, 1024);
    assert.equal(greet.reservedConcurrency, 2);
    assert.deepEqual(greet.functionUrl, { authType: 'NONE', invokeMode: 'RESPONSE_STREAM' });
    assert.deepEqual(greet.environment, {
      STAGE: 'dev',
      SHARED: 'from-globals',
      GREETING: `hello, dev in ${process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || 'us-east-1'}`,
      LOG_LEVEL: 'debug',
      MODE: 'development',
      ZONE: 'b',
      PATH_PARTS: 'dev/hello',
      SELF_ARN: `arn:aws:lambda:${process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || 'us-east-1'}:123456789012:function:GreetFunction`,
      ORDERS_FUNCTION: 'OrdersFunction',
    });
    // AWS::Lambda::Function takes no Globals.
    assert.equal(orders.runtime, 'nodejs18.x');
    assert.equal(orders.memorySizeMB, 128);
    assert.equal(orders.timeoutSeconds, 5);
    assert.equal(orders.codeDir, fixture('sam-globals', 'orders'));
    assert.deepEqual(problems.map((p) => [p.line, p.code]), [
      [lineOf(file, 'TABLE: !Ref TableName'), WORKSPACE_ERROR_CODES.unresolved],
      [lineOf(file, 'BUCKET_ARN:'), WORKSPACE_ERROR_CODES.unresolved],
    ]);
    assert.match(problems[0].message, /TABLE .*parameter TableName has no Default.*give parameter TableName a Default/);
    assert.match(problems[1].message, /BUCKET_ARN .*!GetAtt Bucket.Arn is only known once the stack is deployed/);
  });

  it('lets parameter overrides win over defaults and fill parameters without one', async () => {
    const { functions, problems } = await discoverSamTemplate(fixture('sam-globals', 'template.yaml'), { parameterOverrides: { Stage: 'prod', TableName: 'orders' } });
    assert.deepEqual(functions.map((f) => f.name), ['GreetFunction', 'OrdersFunction', 'ProdOnlyFunction']);
    assert.equal(functions[0].environment.MODE, 'production');
    assert.equal(functions[0].environment.LOG_LEVEL, 'warn');
    assert.equal(functions[0].environment.TABLE, 'orders');
    assert.equal(problems.length, 1);
  });

  it('reads image functions, inline code, zips, zip layers and the Docker socket opt-in', async () => {
    const dir = copyFixture('sam-misc');
    writeZip(path.join(dir, 'build', 'zipped.zip'), { 'index.js': "exports.handler = async () => 'zipped';" });
    writeZip(path.join(dir, 'build', 'layer.zip'), { 'nodejs/node_modules/z/index.js': 'module.exports = 1;' });
    const { functions, problems } = await discoverSamTemplate(path.join(dir, 'template.yaml'));
    assert.deepEqual(problems, []);
    const byName = Object.fromEntries(functions.map((f) => [f.name, f]));
    assert.deepEqual(byName.BuiltImageFunction.image, {
      uri: 'builtimagefunction:v1',
      build: { dockerfile: 'Dockerfile', context: path.join(dir, 'docker-fn'), tag: 'builtimagefunction:v1', buildArgs: { NODE_ENV: 'production' } },
      command: ['app.handler'],
      workingDirectory: '/var/task',
    });
    assert.deepEqual(byName.RemoteImageFunction.image, { uri: 'public.ecr.aws/lambda/nodejs:20' });
    assert.equal(byName.RemoteImageFunction.architecture, 'arm64');
    assert.equal(byName.SocketFunction.dockerSocket, true);
    assert.equal(byName.ZipLayerFunction.dockerSocket, false);
    assert.equal(fs.readFileSync(path.join(byName.InlineFunction.codeDir!, 'index.js'), 'utf8'), "exports.handler = async () => 'inline';\n");
    assert.equal(fs.readFileSync(path.join(byName.ZipFunction.codeDir!, 'index.js'), 'utf8'), "exports.handler = async () => 'zipped';");
    assert.ok(byName.ZipFunction.codeDir!.startsWith(path.join(cache.dir, 'unzipped')));
    const [layer] = byName.ZipLayerFunction.layers;
    assert.ok(fs.existsSync(path.join(layer.dir, 'nodejs', 'node_modules', 'z', 'index.js')));
  });

  it('reports each broken function with its line and loads the others', async () => {
    const file = fixture('broken', 'mixed', 'template.yaml');
    const { functions, problems } = await discoverSamTemplate(file);
    assert.deepEqual(functions.map((f) => f.name), ['GoodFunction', 'TypoFunction', 'ArnLayerFunction']);
    const found = (code: string) => problems.filter((p) => p.code === code);
    const [handler] = found(WORKSPACE_ERROR_CODES.handlerNotFound);
    assert.equal(handler.file, file);
    assert.equal(handler.line, lineOf(file, 'CodeUri: typo/'));
    assert.match(handler.message, /TypoFunction: handler app.handler needs app.js .* which does not exist; fix Handler or CodeUri/);
    const [folder] = found(WORKSPACE_ERROR_CODES.pathNotFound);
    assert.equal(folder.line, lineOf(file, 'CodeUri: does-not-exist/'));
    assert.match(folder.message, /MissingFolderFunction: CodeUri does-not-exist\/ does not exist/);
    const unsupported = found(WORKSPACE_ERROR_CODES.unsupported);
    assert.deepEqual(unsupported.map((p) => p.line).sort((a, b) => a - b), [
      lineOf(file, 'Bucket: my-bucket') - 1,
      lineOf(file, 'layer:published:3'),
      lineOf(file, 'CIDR:'),
    ]);
    assert.match(unsupported.find((p) => p.message.includes('layer'))!.message, /published layer ARN cannot be fetched locally/);
    const [missing] = found(WORKSPACE_ERROR_CODES.missingProperty);
    assert.equal(missing.line, lineOf(file, 'NoRuntimeFunction:') + 2);
    assert.match(missing.message, /NoRuntimeFunction: Runtime missing; set Runtime on the function or in Globals.Function/);
    const [memory] = found(WORKSPACE_ERROR_CODES.invalidValue);
    assert.equal(memory.line, lineOf(file, 'MemorySize: lots'));
    assert.equal(functions[2].memorySizeMB, 128);
    assert.equal(found(WORKSPACE_ERROR_CODES.unresolved)[0].line, lineOf(file, 'IMPORTED:'));
  });

  it('names the function each problem is about, and none for a problem with a layer', async () => {
    const { problems } = await discoverSamTemplate(fixture('broken', 'mixed', 'template.yaml'));
    assert.deepEqual([...new Set(problems.map((p) => p.functionName))].sort(), ['ArnLayerFunction', 'MissingFolderFunction', 'NoRuntimeFunction', 'S3Function', 'TypoFunction']);
    for (const problem of problems) assert.ok(problem.message.startsWith(`${problem.functionName}: `), problem.message);

    const dir = copyFixture('sam-hello-js');
    fs.writeFileSync(path.join(dir, 'template.yaml'), [
      'Resources:',
      '  Shared:',
      '    Type: AWS::Serverless::LayerVersion',
      '    Properties:',
      '      ContentUri: layers/missing',
      '  Fn:',
      '    Type: AWS::Serverless::Function',
      '    Properties:',
      '      Runtime: nodejs20.x',
      '      Handler: app.handler',
      '      CodeUri: nowhere/',
      '      Layers: [Shared]',
      '',
    ].join('\n'));
    const broken = await discoverSamTemplate(path.join(dir, 'template.yaml'));
    assert.deepEqual(broken.problems.map((p) => [p.functionName, p.message.split(':')[0]]), [[undefined, 'Shared'], ['Fn', 'Fn']]);
  });

  it('reports a template that does not parse at the line the parser stopped', async () => {
    const file = fixture('broken', 'bad-yaml', 'template.yaml');
    const { functions, problems } = await discoverSamTemplate(file);
    assert.deepEqual(functions, []);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].file, file);
    assert.equal(problems[0].code, WORKSPACE_ERROR_CODES.parseError);
    assert.equal(problems[0].line, lineOf(file, 'Runtime: nodejs20.x'));
    assert.match(problems[0].message, /^template.yaml does not parse: .*; fix the YAML$/);
  });

  it('ignores YAML files that are not templates', async () => {
    const dir = copyFixture('sam-hello-js');
    fs.writeFileSync(path.join(dir, 'template.yaml'), 'name: not a template\n');
    assert.deepEqual(await discoverSamTemplate(path.join(dir, 'template.yaml')), { file: path.join(dir, 'template.yaml'), functions: [], problems: [] });
  });

  it('builds a TypeScript handler without BuildMethod, and finds a missing entry point', async () => {
    const dir = copyFixture('sam-hello-ts');
    const file = path.join(dir, 'template.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/ {4}Metadata:[\s\S]*$/, ''));
    let { functions, problems } = await discoverSamTemplate(file);
    assert.deepEqual(problems, []);
    assert.deepEqual(functions[0].build?.esbuild?.entryPoints, [path.join(dir, 'hello-world', 'app.ts')]);
    fs.rmSync(path.join(dir, 'hello-world', 'app.ts'));
    ({ functions, problems } = await discoverSamTemplate(file));
    assert.equal(problems[0].code, WORKSPACE_ERROR_CODES.handlerNotFound);
    assert.equal(problems[0].line, lineOf(file, 'CodeUri: hello-world/'));
  });
});

describe('mergeGlobals', () => {
  it('merges maps, puts global list items first, and lets the function win otherwise', () => {
    assert.deepEqual(
      mergeGlobals(
        { Timeout: 3, Layers: ['A'], Environment: { Variables: { A: '1', B: '1' } }, Runtime: { Ref: 'R' } },
        { Timeout: 5, Layers: ['B'], Environment: { Variables: { B: '2' } }, Runtime: { 'Fn::Sub': 'x' } },
      ),
      { Timeout: 5, Layers: ['A', 'B'], Environment: { Variables: { A: '1', B: '2' } }, Runtime: { 'Fn::Sub': 'x' } },
    );
  });
});
