import * as assert from 'node:assert/strict';
import type { FunctionHost } from '../../../src/core/runtime/functionHost';
import type { InvokeResult } from '../../../src/core/runtime/invokeResult';
import { ensureAwsRicImage } from '../support/awsRicImage';
import { docker, json, makeFunction, requireEngine, startDockerHost } from '../support/engine';

type LogLine = Record<string, unknown>;

/** Every line of an invocation's log, parsed: with LogFormat JSON each one is an object. */
function lines(result: InvokeResult): LogLine[] {
  return result.logs.trimEnd().split('\n').map((line) => {
    try {
      return JSON.parse(line) as LogLine;
    } catch {
      throw new Error(`not a JSON line: ${JSON.stringify(line)} in\n${result.logs}`);
    }
  });
}

const functionLines = (result: InvokeResult) => lines(result).filter((line) => line.type === undefined);
const platformTypes = (result: InvokeResult) => lines(result).filter((line) => line.type !== undefined).map((line) => line.type);

/** A stack's frames in the runtime client's own code differ between clients: keep the handler's. */
const ownFrames = (text: string) => text.split('\n').filter((line) => !/^\s+at /.test(line) || line.includes('/var/task/')).join('\n');

/** What two clients must agree on in a line: all but the time, the request id and the clients' own frames. */
function comparable(line: LogLine): LogLine {
  return JSON.parse(JSON.stringify({ ...line, timestamp: typeof line.timestamp, requestId: typeof line.requestId }), (_key, value: unknown) => {
    if (typeof value === 'string') return ownFrames(value);
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.filter((item) => !/^\s+at /.test(item) || item.includes('/var/task/'));
    return value;
  }) as LogLine;
}

describe('LoggingConfig LogFormat JSON: structured logs as Lambda writes them', function () {
  let host: FunctionHost;

  const handler = `exports.handler = async (event) => {
    console.debug('below the level');
    console.log({ order: event.order, items: [1, 2] });
    console.info('paid %d euros', 12);
    console.warn('retrying', new TypeError('card declined'));
    if (event.fail) throw new RangeError('order ' + event.order + ' failed');
    return { ok: true, level: process.env.AWS_LAMBDA_LOG_LEVEL, format: process.env.AWS_LAMBDA_LOG_FORMAT, group: process.env.AWS_LAMBDA_LOG_GROUP_NAME };
  };`;
  const logging = { format: 'JSON' as const, applicationLogLevel: 'INFO' as const, logGroup: '/shop/orders' };
  const ours = makeFunction('JsonOurs', { 'app.js': handler }, { logging });
  const aws = makeFunction('JsonAws', { 'app.js': handler }, { runtime: 'nodejs22.x', logging });
  const quietPlatform = makeFunction('JsonQuietPlatform', { 'app.js': handler }, { logging: { format: 'JSON', systemLogLevel: 'WARN' } });
  const python = makeFunction('JsonPython', {
    'app.py': [
      'import logging',
      'logger = logging.getLogger("orders")',
      'logger.setLevel(logging.INFO)',
      'def handler(event, context):',
      '    logger.debug("below the level")',
      '    logger.info("paid %d euros", 12, extra={"order": event["order"]})',
      '    try:',
      '        raise ValueError("card declined")',
      '    except ValueError:',
      '        logger.exception("retrying")',
      '    if event.get("fail"):',
      '        raise RuntimeError("order %s failed" % event["order"])',
      '    return {"ok": True}',
      '',
    ].join('\n'),
  }, { runtime: 'python3.12', logging });

  before(async function () {
    this.timeout(15 * 60_000);
    await requireEngine();
    const image = await ensureAwsRicImage(docker, (line) => console.log(`      [aws-ric image] ${line}`));
    host = await startDockerHost({ runtimeImages: { 'nodejs22.x': image.tag } });
    await host.deploy([ours, aws, quietPlatform, python]);
  });
  after(async () => host?.dispose());

  it('sets the log variables, and frames the invocation with platform.start and platform.report events', async () => {
    const result = await host.invoke('JsonOurs', json({ order: 7 }));
    assert.equal(result.status, 'ok', JSON.stringify(result.error));
    assert.deepEqual(JSON.parse(result.payload.toString()), { ok: true, level: 'INFO', format: 'JSON', group: '/shop/orders' });
    assert.deepEqual(platformTypes(result), ['platform.start', 'platform.report']);
    const [start, report] = lines(result).filter((line) => line.type);
    assert.deepEqual(start.record, { requestId: result.requestId, version: '$LATEST' });
    const record = report.record as { requestId: string; status: string; metrics: Record<string, number> };
    assert.equal(record.requestId, result.requestId);
    assert.equal(record.status, 'success');
    assert.equal(record.metrics.memorySizeMB, 128);
    assert.ok(record.metrics.durationMs > 0 && record.metrics.maxMemoryUsedMB > 10, JSON.stringify(record.metrics));
  });

  it('our runtime client writes the same JSON lines as AWS\'s own client, levels below AWS_LAMBDA_LOG_LEVEL dropped', async () => {
    const [ourResult, awsResult] = [await host.invoke('JsonOurs', json({ order: 7 })), await host.invoke('JsonAws', json({ order: 7 }))];
    assert.equal(awsResult.status, 'ok', JSON.stringify(awsResult.error));
    const mine = functionLines(ourResult);
    const theirs = functionLines(awsResult);
    assert.deepEqual(mine.map(comparable), theirs.map(comparable), `ours:\n${ourResult.logs}\naws-lambda-ric:\n${awsResult.logs}`);
    assert.deepEqual(mine.map((line) => line.level), ['INFO', 'INFO', 'WARN']);
    assert.deepEqual(mine[0].message, { order: 7, items: [1, 2] });
    assert.equal(mine[0].requestId, ourResult.requestId);
    assert.equal(mine[2].errorType, 'TypeError');
  });

  it('logs a handler\'s error as one JSON line in both clients', async () => {
    const ourResult = await host.invoke('JsonOurs', json({ order: 8, fail: true }));
    const awsResult = await host.invoke('JsonAws', json({ order: 8, fail: true }));
    for (const result of [ourResult, awsResult]) assert.equal(result.error?.errorType, 'RangeError');
    const last = (result: InvokeResult) => functionLines(result).at(-1)!;
    assert.deepEqual(comparable(last(ourResult)), comparable(last(awsResult)), `ours:\n${ourResult.logs}\naws-lambda-ric:\n${awsResult.logs}`);
    assert.equal(last(ourResult).level, 'ERROR');
    assert.equal((last(ourResult).message as LogLine).errorMessage, 'order 8 failed');
  });

  it('drops the platform\'s events below SystemLogLevel (WARN: the function\'s lines only)', async () => {
    const result = await host.invoke('JsonQuietPlatform', json({ order: 9 }));
    assert.deepEqual(platformTypes(result), []);
    assert.equal(functionLines(result).length, 3, result.logs);
  });

  it('Python: the logging module\'s lines as awslambdaric\'s JSON formatter writes them, and an error as one line', async () => {
    const result = await host.invoke('JsonPython', json({ order: 7, fail: true }));
    assert.equal(result.error?.errorType, 'RuntimeError');
    const [paid, retrying, failure] = functionLines(result);
    assert.match(String(paid.timestamp), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.deepEqual({ ...paid, timestamp: undefined }, { timestamp: undefined, level: 'INFO', message: 'paid 12 euros', logger: 'orders', requestId: result.requestId, order: 7 });
    assert.equal(retrying.level, 'ERROR');
    assert.equal(retrying.errorType, 'ValueError');
    assert.equal(retrying.errorMessage, 'card declined');
    assert.match(String(retrying.location), /\/var\/task\/app\.py:handler:10$/);
    assert.ok(Array.isArray(retrying.stackTrace));
    assert.equal(failure.log_level, 'ERROR');
    assert.equal(failure.errorType, 'RuntimeError');
    assert.equal(failure.errorMessage, 'order 7 failed');
    assert.equal(failure.requestId, result.requestId);
    assert.equal(functionLines(result).length, 3, result.logs);
  });
});
