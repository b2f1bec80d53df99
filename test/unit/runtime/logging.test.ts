import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { loggingEnvironment } from '../../../src/core/functions/logging';
import { jsonLine, patchConsole } from '../../../src/core/runtime/client/console';
import { formatReport, invocationLog, platformLog } from '../../../src/core/runtime/logFormat';
import { discoverFunctions } from '../../../src/core/workspace/discovery';
import { WORKSPACE_ERROR_CODES } from '../../../src/core/workspace/errors';
import { lineOf, tempDir, useTempCache, writeFiles } from '../workspace/helpers';

const REPORT = { durationMs: 12.35, billedDurationMs: 13, memorySizeMB: 128, maxMemoryUsedMB: 40, initDurationMs: 150 };

describe('LoggingConfig: the log format and levels', () => {
  useTempCache();

  it('SAM: reads LoggingConfig from the function and Globals, field by field, and says what Lambda would refuse', async () => {
    const dir = tempDir('logging');
    writeFiles(dir, {
      'template.yaml': [
        'Transform: AWS::Serverless-2016-10-31',
        'Globals:',
        '  Function:',
        '    Runtime: nodejs20.x',
        '    LoggingConfig:',
        '      LogFormat: JSON',
        '      SystemLogLevel: WARN',
        'Resources:',
        '  Structured:',
        '    Type: AWS::Serverless::Function',
        '    Properties:',
        '      Handler: app.handler',
        '      LoggingConfig:',
        '        ApplicationLogLevel: DEBUG',
        '        LogGroup: /custom/group',
        '  Plain:',
        '    Type: AWS::Lambda::Function',
        '    Properties:',
        '      Handler: app.handler',
        '      Runtime: nodejs20.x',
        '      Code: .',
        '      LoggingConfig:',
        '        LogFormat: Text',
        '        ApplicationLogLevel: DEBUG',
        '  Wrong:',
        '    Type: AWS::Serverless::Function',
        '    Properties:',
        '      Handler: app.handler',
        '      LoggingConfig:',
        '        LogFormat: Yaml',
        '',
      ].join('\n'),
      'app.js': 'exports.handler = async () => ({});\n',
    });
    const { functions, problems } = await discoverFunctions(dir);
    const byName = (name: string) => functions.find((f) => f.name === name);
    assert.deepEqual(byName('Structured')?.logging, { format: 'JSON', applicationLogLevel: 'DEBUG', systemLogLevel: 'WARN', logGroup: '/custom/group' });
    assert.deepEqual(byName('Plain')?.logging, { format: 'Text' });
    const ignored = problems.find((p) => p.functionName === 'Plain');
    assert.equal(ignored?.code, WORKSPACE_ERROR_CODES.invalidValue);
    assert.match(ignored!.message, /Plain: ApplicationLogLevel applies only with LogFormat: JSON \(Lambda refuses it with Text\); it is ignored/);
    assert.equal(ignored!.line, lineOf(path.join(dir, 'template.yaml'), 'LogFormat: Text') + 1);
    const wrong = problems.find((p) => p.functionName === 'Wrong');
    assert.match(wrong!.message, /Wrong: LogFormat must be Text or JSON, not Yaml/);
    assert.deepEqual(byName('Wrong')?.logging, { format: 'Text' }, 'the function still loads, with Lambda\'s default');
  });

  it('serverless.yml: provider.logs.lambda, overridden per function by its logs', async () => {
    const dir = tempDir('logging');
    writeFiles(dir, {
      'serverless.yml': [
        'service: shop',
        'provider:',
        '  name: aws',
        '  runtime: nodejs20.x',
        '  logs:',
        '    lambda:',
        '      logFormat: JSON',
        '      applicationLogLevel: WARN',
        'functions:',
        '  quiet:',
        '    handler: app.handler',
        '  chatty:',
        '    handler: app.handler',
        '    logs:',
        '      applicationLogLevel: trace',
        '      systemLogLevel: DEBUG',
        '',
      ].join('\n'),
      'app.js': 'exports.handler = async () => ({});\n',
    });
    const { functions, problems } = await discoverFunctions(dir);
    assert.deepEqual(problems, []);
    assert.deepEqual(functions.find((f) => f.name === 'quiet')?.logging, { format: 'JSON', applicationLogLevel: 'WARN' });
    assert.deepEqual(functions.find((f) => f.name === 'chatty')?.logging, { format: 'JSON', applicationLogLevel: 'TRACE', systemLogLevel: 'DEBUG' });
  });

  it('sets AWS_LAMBDA_LOG_FORMAT and AWS_LAMBDA_LOG_LEVEL (INFO unless set) for JSON only', () => {
    assert.deepEqual(loggingEnvironment(undefined), {});
    assert.deepEqual(loggingEnvironment({ format: 'Text' }), {});
    assert.deepEqual(loggingEnvironment({ format: 'JSON' }), { AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: 'INFO' });
    assert.deepEqual(loggingEnvironment({ format: 'JSON', applicationLogLevel: 'ERROR' }), { AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: 'ERROR' });
  });
});

describe('the platform\'s lines around an invocation', () => {
  it('in text: START, END and REPORT as Lambda writes them', () => {
    assert.equal(
      invocationLog(platformLog(undefined).start('r1'), 'hello', platformLog(undefined).end('r1', REPORT, undefined)),
      'START RequestId: r1 Version: $LATEST\nhello\nEND RequestId: r1\nREPORT RequestId: r1\tDuration: 12.35 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\tInit Duration: 150.00 ms\n',
    );
    assert.match(formatReport('r1', REPORT, 'timeout'), /\tStatus: timeout$/);
  });

  it('in JSON: platform.start and platform.report events (runtimeDone at DEBUG only), dropped below SystemLogLevel', () => {
    const lines = (level?: 'DEBUG' | 'INFO' | 'WARN') => {
      const log = platformLog({ format: 'JSON', systemLogLevel: level });
      return invocationLog(log.start('r1'), '{"level":"INFO"}', log.end('r1', REPORT, 'timeout'))
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as { type?: string; time?: string; record?: Record<string, unknown> });
    };
    const info = lines();
    assert.deepEqual(info.map((e) => e.type ?? 'function'), ['platform.start', 'function', 'platform.report']);
    assert.deepEqual(info[0].record, { requestId: 'r1', version: '$LATEST' });
    assert.ok(!Number.isNaN(Date.parse(info[0].time!)));
    assert.deepEqual(info[2].record, {
      requestId: 'r1',
      metrics: { durationMs: 12.35, billedDurationMs: 13, memorySizeMB: 128, maxMemoryUsedMB: 40, initDurationMs: 150 },
      status: 'timeout',
    });
    assert.deepEqual(lines('DEBUG').map((e) => e.type ?? 'function'), ['platform.start', 'function', 'platform.runtimeDone', 'platform.report']);
    assert.deepEqual(lines('WARN').map((e) => e.type ?? 'function'), ['function']);
  });
});

describe('our runtime client\'s console in each log format', () => {
  const saved = { ...console };
  const write = process.stdout.write;
  let written: string[] = [];
  beforeEach(() => {
    written = [];
    process.stdout.write = ((chunk: string) => written.push(chunk) > 0) as typeof process.stdout.write;
  });
  afterEach(() => {
    process.stdout.write = write;
    Object.assign(console, saved);
  });

  it('text: tab-separated, a message\'s newlines turned into carriage returns, "undefined" outside an invocation', () => {
    patchConsole(() => undefined, { json: false, minLevel: 'TRACE' });
    console.log('a\nb %d', 2);
    console.debug('d');
    assert.match(written[0], /^\d{4}-\d\d-\d\dT[\d:.]+Z\tundefined\tINFO\ta\rb 2\n$/);
    assert.match(written[1], /\tDEBUG\td\n$/);
  });

  it('JSON: one object per call, a single argument kept as a value, an Error\'s fields beside the message, levels below the minimum dropped', () => {
    patchConsole(() => 'req-1', { json: true, minLevel: 'INFO' });
    console.debug('dropped');
    console.trace('dropped too');
    console.log({ order: 7, nested: { ok: true } });
    console.warn('failed %s', 'twice', new TypeError('bad input'));
    console.error(new RangeError('out'));
    assert.equal(written.length, 3);
    const [object, formatted, error] = written.map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual({ ...object, timestamp: undefined }, { timestamp: undefined, level: 'INFO', requestId: 'req-1', message: { order: 7, nested: { ok: true } } });
    assert.equal(formatted.level, 'WARN');
    assert.match(String(formatted.message), /^failed twice TypeError: bad input/);
    assert.equal(formatted.errorType, 'TypeError');
    assert.equal(formatted.errorMessage, 'bad input');
    assert.ok(Array.isArray(formatted.stackTrace));
    assert.deepEqual((error.message as Record<string, unknown>).errorType, 'RangeError');
    assert.equal((error.message as Record<string, unknown>).errorMessage, 'out');
  });

  it('JSON: a value that cannot be serialised (a cycle) is formatted instead; no request id outside an invocation', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const line = JSON.parse(jsonLine('2024-01-01T00:00:00.000Z', undefined, 'INFO', cyclic, [])) as Record<string, unknown>;
    assert.deepEqual(Object.keys(line), ['timestamp', 'level', 'message']);
    assert.match(String(line.message), /<ref \*1> \{ name: 'loop', self: \[Circular \*1\] \}/);
  });
});
