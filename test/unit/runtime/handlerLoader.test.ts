import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { serializeError } from '../../../src/core/runtime/client/errors';
import { loadHandler } from '../../../src/core/runtime/client/handlerLoader';

function taskRoot(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-dock-loader-'));
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

async function initError(root: string, handler: string): Promise<{ errorType: string; errorMessage: string }> {
  try {
    await loadHandler(root, handler);
  } catch (error) {
    return serializeError(error);
  }
  throw new Error('expected the handler not to load');
}

describe('the runtime client\'s handler loader', () => {
  it('loads CommonJS, .mjs, .cjs and "type": "module" handlers, nested paths included', async () => {
    const root = taskRoot({
      'a.js': 'exports.handler = () => "cjs";',
      'b.mjs': 'export const handler = () => "mjs";',
      'c.cjs': 'module.exports.handler = () => "cjs-explicit";',
      'esm/package.json': '{"type":"module"}',
      'esm/d.js': 'export function handler() { return "module"; }',
      'lib/e.js': 'exports.api = { get: () => "nested" };',
    });
    assert.equal((await loadHandler(root, 'a.handler'))({}, {}), 'cjs');
    assert.equal((await loadHandler(root, 'b.handler'))({}, {}), 'mjs');
    assert.equal((await loadHandler(root, 'c.handler'))({}, {}), 'cjs-explicit');
    assert.equal((await loadHandler(root, 'esm/d.handler'))({}, {}), 'module');
    assert.equal((await loadHandler(root, 'lib/e.api.get'))({}, {}), 'nested');
  });

  it('names each init failure as Lambda does', async () => {
    const root = taskRoot({ 'ok.js': 'exports.other = 1;', 'bad.js': 'exports.handler = () => { return 1 +; };', 'boom.js': 'throw new RangeError("no config");' });
    const malformed = await initError(root, 'nothing');
    assert.deepEqual([malformed.errorType, malformed.errorMessage], ['Runtime.MalformedHandlerName', 'Bad handler nothing: expected FILE.EXPORT, for example app.handler']);
    assert.equal((await initError(root, 'missing.handler')).errorType, 'Runtime.ImportModuleError');
    assert.match((await initError(root, 'missing.handler')).errorMessage, /^Error: Cannot find module 'missing'/);
    assert.deepEqual([(await initError(root, 'ok.handler')).errorType, (await initError(root, 'ok.handler')).errorMessage], ['Runtime.HandlerNotFound', 'ok.handler is undefined or not exported']);
    assert.deepEqual([(await initError(root, 'ok.other')).errorType, (await initError(root, 'ok.other')).errorMessage], ['Runtime.HandlerNotFound', 'ok.other is not a function']);
    assert.equal((await initError(root, '../outside.handler')).errorType, 'Runtime.MalformedHandlerName');
    assert.equal((await initError(root, 'bad.handler')).errorType, 'Runtime.UserCodeSyntaxError');
    assert.deepEqual([(await initError(root, 'boom.handler')).errorType, (await initError(root, 'boom.handler')).errorMessage], ['RangeError', 'no config']);
  });
});

describe('serializeError', () => {
  it('reports what was thrown as Lambda\'s client does: errors by name, other values by typeof and toString()', () => {
    class PaymentDeclined extends Error {}
    assert.equal(serializeError(new PaymentDeclined('no')).errorType, 'Error');
    assert.equal(serializeError(new TypeError('t')).errorType, 'TypeError');
    assert.deepEqual(serializeError('text'), { errorType: 'string', errorMessage: 'text', trace: [] });
    assert.deepEqual(serializeError({ code: 7 }), { errorType: 'object', errorMessage: '[object Object]', trace: [] });
    assert.deepEqual(serializeError(NaN), { errorType: 'number', errorMessage: 'NaN', trace: [] });
    assert.deepEqual(serializeError({ name: 'Custom', message: 'm', stack: 'Custom: m\n    at x' }), { errorType: 'Custom', errorMessage: 'm', trace: ['Custom: m', '    at x'] });
    assert.deepEqual(serializeError(Object.create(null)).errorType, 'handled');
    assert.equal(serializeError(new Error('a\x7Fb')).errorMessage, 'a%7Fb');
  });
});
