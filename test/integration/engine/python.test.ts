import * as assert from 'node:assert/strict';
import type { FunctionDefinition } from '../../../src/core/functions/definition';
import type { FunctionHost } from '../../../src/core/runtime/functionHost';
import { PYTHON_RUNTIME_SDK_PACKAGES } from '../../../src/core/engine/pythonRuntimeSdk';
import { hostPython } from '../../../src/core/engine/hostPython';
import { json, makeFolder, makeFunction, parse, startDockerHost } from '../support/engine';

/** A Python 3.12 function (python3.12's official image is not on these machines: the local Python image runs it). */
function pythonFunction(name: string, files: Record<string, string>, overrides: Partial<FunctionDefinition> = {}): FunctionDefinition {
  return makeFunction(name, files, { runtime: 'python3.12', handler: 'app.handler', ...overrides });
}

const LOG_LINE = (level: string, requestId: string, message: string) => new RegExp(`\\n\\[${level}\\]\\t\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z\\t${requestId}\\t${message}\\n`);

describe('Python functions in the local Python image', function () {
  let host: FunctionHost;
  const echo = pythonFunction('PyEcho', {
    'app.py': `import logging, os
logger = logging.getLogger()
logger.setLevel(logging.INFO)
print("init once")

def handler(event, context):
    logger.info("order %s received", event.get("order"))
    logging.getLogger("app.child").warning("careful")
    print("printed", event.get("order"))
    return {
        "event": event,
        "context": {
            "aws_request_id": context.aws_request_id, "function_name": context.function_name,
            "function_version": context.function_version, "memory_limit_in_mb": context.memory_limit_in_mb,
            "invoked_function_arn": context.invoked_function_arn, "log_group_name": context.log_group_name,
            "log_stream_name": context.log_stream_name, "remaining": context.get_remaining_time_in_millis(),
            "client_context": context.client_context.custom if context.client_context else None,
        },
        "env": {k: os.environ.get(k) for k in ["CUSTOM", "_HANDLER", "AWS_REGION", "LAMBDA_TASK_ROOT", "AWS_EXECUTION_ENV", "AWS_LAMBDA_RUNTIME_API", "_X_AMZN_TRACE_ID", "_LAMBDA_DOCK_OPT"]},
        "cwd": os.getcwd(),
        "text": "caf\\u00e9",
    }
`,
  }, { environment: { CUSTOM: 'from-definition' }, timeoutSeconds: 7, memorySizeMB: 256 });
  const throws = pythonFunction('PyThrows', {
    'app.py': `class OrderError(Exception):
    pass

def validate(order):
    raise OrderError("order %s is invalid" % order)

def handler(event, context):
    print("about to fail")
    validate(event["id"])
`,
  });
  const nested = pythonFunction('PyNested', { 'pkg/sub/orders.py': 'def create(event, context):\n    return "nested " + __name__\n' }, { handler: 'pkg/sub/orders.create' });
  const dotted = pythonFunction('PyDotted', { 'pkg/sub/orders.py': 'def create(event, context):\n    return "dotted " + __name__\n' }, { handler: 'pkg.sub.orders.create' });
  const slow = pythonFunction('PySlow', { 'app.py': 'import time\ndef handler(event, context):\n    print("started")\n    time.sleep(5)\n    return "too late"\n' }, { timeoutSeconds: 1 });
  const missingModule = pythonFunction('PyMissingModule', { 'other.py': 'def handler(e, c):\n    return 1\n' });
  const missingHandler = pythonFunction('PyMissingHandler', { 'app.py': 'def other(e, c):\n    return 1\n' });
  const syntaxError = pythonFunction('PySyntaxError', { 'app.py': 'def handler(e, c):\n    return 1 +\n' });
  const importsMissing = pythonFunction('PyImportsMissing', { 'app.py': 'import requests_that_are_not_there\ndef handler(e, c):\n    return 1\n' });
  const initRaises = pythonFunction('PyInitRaises', { 'app.py': 'import os\nTABLE = os.environ["TABLE_NAME"]\ndef handler(e, c):\n    return 1\n' });
  const layered = pythonFunction('PyLayered', {
    'app.py': 'import shared, vendored\ndef handler(event, context):\n    return [shared.NAME, vendored.NAME]\n',
  }, {
    layers: [{ name: 'Shared', dir: makeFolder({ 'python/shared.py': 'NAME = "from /opt/python"\n', 'python/lib/python3.12/site-packages/vendored.py': 'NAME = "from site-packages"\n' }) }],
  });
  const unserializable = pythonFunction('PyUnserializable', { 'app.py': 'def handler(e, c):\n    return {"when": object()}\n' });
  // What a DynamoDB item read with boto3 holds: numbers as Decimal, some with more digits than a float keeps.
  const decimals = pythonFunction('PyDecimals', {
    'app.py': 'from decimal import Decimal\ndef handler(e, c):\n    return {"price": Decimal("19.90"), "id": Decimal("12345678901234567890.123456789"), "count": Decimal("3"), "exp": Decimal("1E+2"), "label": "19.90"}\n',
  });
  // Lambda's Python runtimes carry boto3: a function may import it without listing it, and its own copy wins.
  const boto3 = pythonFunction('PyBoto3', { 'app.py': 'import boto3\ndef handler(e, c):\n    return [boto3.__version__, boto3.__file__]\n' });
  const ownBoto3 = pythonFunction('PyOwnBoto3', { 'app.py': 'import boto3\ndef handler(e, c):\n    return boto3.__version__\n', 'boto3/__init__.py': '__version__ = "bundled"\n' });

  before(async function () {
    host = await startDockerHost();
    await host.deploy([echo, throws, nested, dotted, slow, missingModule, missingHandler, syntaxError, importsMissing, initRaises, layered, unserializable, decimals, boto3, ownBoto3]);
  });
  after(async () => host?.dispose());

  it("returns the handler's result with Lambda's context object and environment", async () => {
    const clientContext = Buffer.from(JSON.stringify({ custom: { tenant: 't1' } })).toString('base64');
    const result = await host.invoke('PyEcho', json({ order: 7 }), { clientContext });
    assert.equal(result.status, 'ok', result.payload.toString());
    const body = parse(result.payload) as { event: unknown; context: Record<string, unknown>; env: Record<string, string | null>; cwd: string; text: string };
    assert.deepEqual(body.event, { order: 7 });
    assert.equal(body.context.aws_request_id, result.requestId);
    assert.equal(body.context.function_name, 'PyEcho');
    assert.equal(body.context.function_version, '$LATEST');
    assert.equal(body.context.memory_limit_in_mb, '256');
    assert.equal(body.context.invoked_function_arn, 'arn:aws:lambda:us-east-1:000000000000:function:PyEcho');
    assert.equal(body.context.log_group_name, '/aws/lambda/PyEcho');
    assert.match(String(body.context.log_stream_name), /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    assert.ok(Number(body.context.remaining) > 5000 && Number(body.context.remaining) <= 7000, String(body.context.remaining));
    assert.deepEqual(body.context.client_context, { tenant: 't1' });
    assert.equal(body.env.CUSTOM, 'from-definition');
    assert.equal(body.env._HANDLER, 'app.handler');
    assert.equal(body.env.AWS_REGION, 'us-east-1');
    assert.equal(body.env.LAMBDA_TASK_ROOT, '/var/task');
    assert.equal(body.env.AWS_EXECUTION_ENV, 'AWS_Lambda_python3.12');
    assert.match(String(body.env._X_AMZN_TRACE_ID), /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};/);
    assert.equal(body.env._LAMBDA_DOCK_OPT, null);
    assert.equal(body.cwd, '/var/task');
    // python3.12 and later write non-ASCII characters of a response as they are.
    assert.match(result.payload.toString('utf8'), /"text": "café"/);
  });

  it("writes the logging module's lines with the request id, and print lines as they are, in this invocation's log only", async () => {
    const first = await host.invoke('PyEcho', json({ order: 'alpha' }));
    const second = await host.invoke('PyEcho', json({ order: 'beta' }));
    assert.equal(second.coldStart, false);
    assert.equal(second.instanceId, first.instanceId);
    assert.match(second.logs, new RegExp(`^START RequestId: ${second.requestId} Version: \\$LATEST\\n`));
    assert.match(second.logs, LOG_LINE('INFO', second.requestId, 'order beta received'));
    assert.match(second.logs, LOG_LINE('WARNING', second.requestId, 'careful'));
    assert.match(second.logs, /\nprinted beta\n/);
    assert.doesNotMatch(second.logs, /alpha|init once/);
    assert.match(second.logs, new RegExp(`END RequestId: ${second.requestId}\\nREPORT RequestId: ${second.requestId}\\tDuration: [\\d.]+ ms\\tBilled Duration: \\d+ ms\\tMemory Size: 256 MB\\tMax Memory Used: \\d+ MB\\n$`));
    assert.ok(second.report.maxMemoryUsedMB >= 5 && second.report.maxMemoryUsedMB < 256, String(second.report.maxMemoryUsedMB));
  });

  it('puts init output in the cold invocation\'s log and reports its init duration', async () => {
    await host.deploy([{ ...echo, environment: { CUSTOM: 'again' } }, throws, nested, dotted, slow, missingModule, missingHandler, syntaxError, importsMissing, initRaises, layered, unserializable, decimals, boto3, ownBoto3]);
    const cold = await host.invoke('PyEcho', json({ order: 1 }));
    assert.equal(cold.coldStart, true);
    assert.match(cold.logs, /\ninit once\n/);
    assert.ok(cold.report.initDurationMs! > 0);
  });

  it("answers an exception with awslambdaric's error shape and logs it as Lambda does", async () => {
    const result = await host.invoke('PyThrows', json({ id: 42 }));
    assert.equal(result.status, 'error');
    const payload = parse(result.payload) as Record<string, unknown>;
    assert.deepEqual(Object.keys(payload), ['errorMessage', 'errorType', 'requestId', 'stackTrace']);
    assert.equal(payload.errorMessage, 'order 42 is invalid');
    assert.equal(payload.errorType, 'OrderError');
    assert.equal(payload.requestId, result.requestId);
    assert.deepEqual(payload.stackTrace, [
      '  File "/var/task/app.py", line 9, in handler\n    validate(event["id"])\n',
      '  File "/var/task/app.py", line 5, in validate\n    raise OrderError("order %s is invalid" % order)\n',
    ]);
    assert.match(result.logs, /\nabout to fail\n/);
    const nbsp = '\u00a0';
    assert.ok(
      result.logs.includes(`[ERROR] OrderError: order 42 is invalid\rTraceback (most recent call last):\r${nbsp.repeat(2)}File "/var/task/app.py", line 9, in handler\r${nbsp.repeat(4)}validate(event["id"])\r`),
      result.logs,
    );
    assert.match(result.logs, new RegExp(`REPORT RequestId: ${result.requestId}\\t`));
    const again = await host.invoke('PyThrows', json({ id: 1 }));
    assert.equal(again.coldStart, false, 'an exception does not cost the instance');
  });

  it('reports a response it cannot serialize as Runtime.MarshalError', async () => {
    const result = await host.invoke('PyUnserializable', json({}));
    const payload = parse(result.payload) as Record<string, unknown>;
    assert.equal(payload.errorType, 'Runtime.MarshalError');
    assert.match(String(payload.errorMessage), /^Unable to marshal response: Object of type object is not JSON serializable/);
  });

  it('writes a Decimal as its own digits, as awslambdaric does (never rounded through a float)', async () => {
    const result = await host.invoke('PyDecimals', json({}));
    assert.equal(result.status, 'ok', result.payload.toString());
    assert.equal(result.payload.toString('utf8'), '{"price": 19.90, "id": 12345678901234567890.123456789, "count": 3, "exp": 1E+2, "label": "19.90"}');
  });

  it('has the boto3 Lambda carries, after the function\'s own', async () => {
    const provided = await host.invoke('PyBoto3', json({}));
    assert.equal(provided.status, 'ok', provided.payload.toString());
    assert.deepEqual(parse(provided.payload), [PYTHON_RUNTIME_SDK_PACKAGES[0].split('==')[1], `/var/lang/lib/python${(await hostPython()).version}/site-packages/boto3/__init__.py`]);
    assert.equal(parse((await host.invoke('PyOwnBoto3', json({}))).payload), 'bundled');
  });

  it('loads handlers from nested modules named with slashes or dots', async () => {
    assert.equal(parse((await host.invoke('PyNested', json({}))).payload), 'nested pkg.sub.orders');
    assert.equal(parse((await host.invoke('PyDotted', json({}))).payload), 'dotted pkg.sub.orders');
  });

  it("finds a layer's python/ and python/lib/python3.N/site-packages folders on the path", async () => {
    const result = await host.invoke('PyLayered', json({}));
    assert.deepEqual(parse(result.payload), ['from /opt/python', 'from site-packages']);
  });

  it('times out as Lambda does and replaces the instance', async () => {
    const result = await host.invoke('PySlow', json({}));
    assert.equal(result.error?.errorType, 'Sandbox.Timedout');
    assert.match(result.error!.errorMessage, new RegExp(`^RequestId: ${result.requestId} Error: Task timed out after 1.00 seconds$`));
    assert.match(result.logs, /\nstarted\n/);
    assert.match(result.logs, /Status: timeout/);
    assert.equal((await host.invoke('PySlow', json({}))).coldStart, true);
  });

  describe('init errors', () => {
    const initError = async (name: string) => {
      const result = await host.invoke(name, json({}));
      assert.equal(result.status, 'error');
      const payload = parse(result.payload) as Record<string, unknown>;
      assert.match(result.logs, /\[WARNING\]\t\S+\t\tLAMBDA_WARNING: Unhandled exception\./);
      assert.ok(result.logs.includes(`[ERROR] ${String(payload.errorType)}: ${String(payload.errorMessage)}\rTraceback (most recent call last):`), result.logs);
      assert.match(result.logs, /Status: error/);
      return payload;
    };

    it('Runtime.ImportModuleError when the handler module is missing', async () => {
      assert.deepEqual(await initError('PyMissingModule'), {
        errorMessage: "Unable to import module 'app': No module named 'app'",
        errorType: 'Runtime.ImportModuleError',
        requestId: '',
        stackTrace: [],
      });
    });

    it('Runtime.ImportModuleError when the module imports a package that is not there', async () => {
      const payload = await initError('PyImportsMissing');
      assert.equal(payload.errorType, 'Runtime.ImportModuleError');
      assert.equal(payload.errorMessage, "Unable to import module 'app': No module named 'requests_that_are_not_there'");
    });

    it('Runtime.HandlerNotFound when the module lacks the function', async () => {
      const payload = await initError('PyMissingHandler');
      assert.equal(payload.errorType, 'Runtime.HandlerNotFound');
      assert.equal(payload.errorMessage, "Handler 'handler' missing on module 'app'");
    });

    it('Runtime.UserCodeSyntaxError with the line, for a syntax error', async () => {
      const payload = await initError('PySyntaxError');
      assert.equal(payload.errorType, 'Runtime.UserCodeSyntaxError');
      assert.match(String(payload.errorMessage), /^Syntax error in module 'app': invalid syntax \(app\.py, line 2\)$/);
      assert.deepEqual(payload.stackTrace, ['  File "/var/task/app.py" Line 2\n        return 1 +\n']);
    });

    it("the exception's own type when module code raises at import", async () => {
      const payload = await initError('PyInitRaises');
      assert.equal(payload.errorType, 'KeyError');
      assert.equal(payload.errorMessage, "'TABLE_NAME'");
      assert.ok((payload.stackTrace as string[]).some((frame) => frame.includes('File "/var/task/app.py", line 2, in <module>')), String(payload.stackTrace));
    });
  });
});
