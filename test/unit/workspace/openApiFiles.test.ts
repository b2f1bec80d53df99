import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { discoverFunctions } from '../../../src/core/workspace/discovery';
import { WORKSPACE_ERROR_CODES } from '../../../src/core/workspace/errors';
import { lineOf, tempDir, useTempCache, writeFiles } from './helpers';

const INVOKE = (target: string) => `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${target}/invocations`;

function template(apiProperties: string[]): string {
  return [
    'Transform: AWS::Serverless-2016-10-31',
    'Resources:',
    '  Orders:',
    '    Type: AWS::Serverless::Function',
    '    Properties:',
    '      Runtime: nodejs20.x',
    '      Handler: app.handler',
    '      FunctionName: shop-orders',
    '  Api:',
    '    Type: AWS::Serverless::Api',
    '    Properties:',
    '      StageName: prod',
    ...apiProperties.map((line) => `      ${line}`),
    '',
  ].join('\n');
}

const operation = (uri: unknown) => ({ 'x-amazon-apigateway-integration': { type: 'aws_proxy', httpMethod: 'POST', uri } });

describe('routes from OpenAPI files beside the template', () => {
  useTempCache();

  it('DefinitionUri: reads the local file as it is; an integration may name the function by FunctionName, logical id or ${Fn.Arn}', async () => {
    const dir = tempDir('openapi');
    writeFiles(dir, {
      'template.yaml': template(['DefinitionUri: api/openapi.yaml']),
      'app.js': 'exports.handler = async () => ({});\n',
      'api/openapi.yaml': [
        'openapi: "3.0.1"',
        'paths:',
        '  /by-name:',
        '    get:',
        `      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${INVOKE('arn:aws:lambda:us-east-1:123456789012:function:shop-orders')}" }`,
        '  /by-id:',
        '    get:',
        `      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${INVOKE('arn:aws:lambda:us-east-1:123456789012:function:Orders')}" }`,
        '  /placeholder:',
        '    post:',
        `      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${INVOKE('${Orders.Arn}')}" }`,
        '  /elsewhere:',
        '    get:',
        `      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${INVOKE('arn:aws:lambda:us-east-1:1:function:not-here')}" }`,
        '',
      ].join('\n'),
    });
    const file = path.join(dir, 'api/openapi.yaml');
    const { functions, problems, definitionFiles } = await discoverFunctions(dir);
    const routes = functions[0].routes ?? [];
    assert.deepEqual(routes.map((r) => `${r.method} ${r.path}`), ['GET /by-name', 'GET /by-id', 'POST /placeholder']);
    assert.deepEqual(routes[2].source, { file, line: lineOf(file, 'post:') }, 'a route points at its line in the OpenAPI file');
    assert.deepEqual(definitionFiles, [file]);
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.equal(problems[0].code, WORKSPACE_ERROR_CODES.unsupported);
    assert.match(problems[0].message, /API Api: GET \/elsewhere's integration uri does not name a function of this template/);
  });

  it('DefinitionBody with AWS::Include: the included file\'s intrinsics resolve as the template\'s do', async () => {
    const dir = tempDir('openapi');
    writeFiles(dir, {
      'template.yaml': template(['DefinitionBody:', '  Fn::Transform:', '    Name: AWS::Include', '    Parameters:', '      Location: ./openapi.json']),
      'app.js': 'exports.handler = async () => ({});\n',
      'openapi.json': JSON.stringify({ openapi: '3.0.1', paths: { '/included/{id}': { get: operation({ 'Fn::Sub': INVOKE('${Orders.Arn}') }) } } }),
    });
    const { functions, problems, definitionFiles } = await discoverFunctions(dir);
    assert.deepEqual(problems, []);
    assert.deepEqual(functions[0].routes?.map((r) => `${r.method} ${r.path} ${r.api.stage}`), ['GET /included/{id} prod']);
    assert.deepEqual(definitionFiles, [path.join(dir, 'openapi.json')]);
  });

  it('says what cannot be read, with the fix, and keeps the functions: S3, a missing file, a file that does not parse, another macro', async () => {
    const cases: Array<{ props: string[]; files?: Record<string, string>; message: RegExp }> = [
      { props: ['DefinitionUri: { Bucket: b, Key: k }'], message: /API Api: its DefinitionUri is in S3, which cannot be read locally; .*point DefinitionUri at the OpenAPI file in the workspace/ },
      { props: ['DefinitionUri: ./missing.yaml'], message: /API Api: DefinitionUri cannot be read locally \(DefinitionUri names \.\/missing\.yaml, which does not exist/ },
      { props: ['DefinitionUri: ./broken.yaml'], files: { 'broken.yaml': 'paths: [\n' }, message: /DefinitionUri \.\/broken\.yaml does not parse/ },
      { props: ['DefinitionBody:', '  Fn::Transform: { Name: AWS::Include, Parameters: { Location: "s3://bucket/api.yaml" } }'], message: /AWS::Include of s3:\/\/bucket\/api\.yaml cannot be read locally/ },
      { props: ['DefinitionBody:', '  Fn::Transform: { Name: AWS::CodeDeployBlueGreen }'], message: /Fn::Transform AWS::CodeDeployBlueGreen is a macro run by CloudFormation, not locally/ },
    ];
    for (const { props, files, message } of cases) {
      const dir = tempDir('openapi');
      writeFiles(dir, { 'template.yaml': template(props), 'app.js': 'exports.handler = async () => ({});\n', ...files });
      const { functions, problems } = await discoverFunctions(dir);
      assert.deepEqual(functions.map((f) => f.name), ['Orders'], props.join(' '));
      assert.equal(problems.length, 1, JSON.stringify(problems));
      assert.match(problems[0].message, message);
      assert.equal(problems[0].line, lineOf(path.join(dir, 'template.yaml'), props[0].split(':')[0]));
    }
  });
});
