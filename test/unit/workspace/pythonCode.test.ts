import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { discoverFunctions } from '../../../src/core/workspace/discovery';
import { resolveCode } from '../../../src/core/workspace/functionCode';
import { findHandlerFile } from '../../../src/core/workspace/handlerFile';
import type { Problem } from '../../../src/core/workspace/problem';
import { tempDir, useTempCache, writeFiles } from './helpers';

describe('Python function code', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ld-python-code-'));
  const write = (file: string, content = '') => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  };
  write('app.py', 'def handler(e, c):\n    return 1\n');
  write('pkg/sub/orders.py', 'def create(e, c):\n    return 1\n');
  write('service/__init__.py', 'def handler(e, c):\n    return 1\n');

  it('finds the handler file the way the Python client imports it: dots or slashes, a module or a package', () => {
    assert.equal(findHandlerFile(dir, 'app.handler', 'python3.12'), path.join(dir, 'app.py'));
    assert.equal(findHandlerFile(dir, 'pkg/sub/orders.create', 'python3.12'), path.join(dir, 'pkg/sub/orders.py'));
    assert.equal(findHandlerFile(dir, 'pkg.sub.orders.create', 'python3.11'), path.join(dir, 'pkg/sub/orders.py'));
    assert.equal(findHandlerFile(dir, 'service.handler', 'python3.13'), path.join(dir, 'service/__init__.py'));
    assert.equal(findHandlerFile(dir, 'missing.handler', 'python3.12'), undefined);
    assert.equal(findHandlerFile(dir, 'anything', 'provided.al2023'), '', 'a custom runtime names no file to check');
  });

  it('plans a pip build when requirements.txt is beside the code, and none without it', () => {
    const problems: Problem[] = [];
    const spec = { functionName: 'Py', file: path.join(dir, 'template.yaml'), line: 3, runtime: 'python3.12', handler: 'app.handler', location: dir };
    const plain = resolveCode(spec, problems);
    assert.deepEqual(plain, { codeDir: dir });
    write('requirements.txt', 'six\n');
    const built = resolveCode(spec, problems);
    assert.deepEqual(built?.build, { sourceDir: dir, pipRequirements: path.join(dir, 'requirements.txt') });
    assert.notEqual(built?.codeDir, dir);
    assert.deepEqual(problems, []);
    const missing = resolveCode({ ...spec, handler: 'nothere.handler' }, problems);
    assert.ok(missing);
    assert.match((problems as Problem[])[0].message, /^Py: handler nothere\.handler needs nothere\.py in /);
  });
});

describe('Python layers built as sam build builds them (Metadata BuildMethod python3.N)', () => {
  useTempCache();

  it('builds a folder with requirements.txt or modules at its root, and takes a folder laid out as python/ as it is', async () => {
    const dir = tempDir('python-layers');
    const layer = (name: string, build: boolean) => [
      `  ${name}:`,
      '    Type: AWS::Serverless::LayerVersion',
      `    Properties: { ContentUri: layers/${name} }`,
      ...(build ? ['    Metadata: { BuildMethod: python3.12 }'] : []),
    ];
    writeFiles(dir, {
      'template.yaml': [
        'Transform: AWS::Serverless-2016-10-31',
        'Resources:',
        ...layer('WithRequirements', true),
        ...layer('ModulesOnly', true),
        ...layer('LaidOut', true),
        ...layer('Plain', false),
        '  Fn:',
        '    Type: AWS::Serverless::Function',
        '    Properties:',
        '      Runtime: python3.12',
        '      Handler: app.handler',
        '      Layers: [!Ref WithRequirements, !Ref ModulesOnly, !Ref LaidOut, !Ref Plain]',
        '',
      ].join('\n'),
      'app.py': 'def handler(event, context):\n    return 1\n',
      'layers/WithRequirements/requirements.txt': 'idna\n',
      'layers/WithRequirements/codes.py': '',
      'layers/ModulesOnly/helpers/__init__.py': '',
      'layers/LaidOut/python/shared.py': '',
      'layers/Plain/tool.py': '',
    });
    const { functions, problems } = await discoverFunctions(dir);
    assert.deepEqual(problems, []);
    assert.deepEqual(functions[0].layers.map((l) => [l.name, l.pipBuild]), [
      ['WithRequirements', { requirements: path.join(dir, 'layers/WithRequirements/requirements.txt') }],
      ['ModulesOnly', {}],
      ['LaidOut', undefined],
      ['Plain', undefined],
    ]);
  });
});
