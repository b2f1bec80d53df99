import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ProcessBackend } from '../../../src/core/engine/processBackend';
import { withLambdaDefaults, type FunctionDefinition } from '../../../src/core/functions/definition';
import { FunctionHost } from '../../../src/core/runtime/functionHost';

const fixtures = path.join(__dirname, '../../fixtures/runtime');

function fn(name: string, dir: string, handler: string, runtime = 'nodejs20.x'): FunctionDefinition {
  const codeDir = path.join(fixtures, dir);
  return withLambdaDefaults({ name, runtime, handler, codeDir, source: { file: path.join(codeDir, 'template.yaml'), line: 1 } });
}

// The bundled runtime client (dist/runtime/bootstrap.js) as a child process: what runs in every instance.
describe('the runtime client: handler loading and completion as Lambda\'s client does them', function () {
  this.timeout(60_000);
  let host: FunctionHost;
  const callbacks = [
    'callbackThenSucceed', 'succeedAtOnce', 'doneWithError', 'failWithNothing', 'callbackWaits', 'callbackNoWait', 'callbackErrorAtOnce',
    'neverAnswersSync', 'neverSettlesAsync', 'throwsNaN', 'throwsString', 'throwsObject', 'rejectsUndefined', 'throwsSubclass', 'throwsErrorLike',
  ];

  before(async () => {
    host = await FunctionHost.start({ workspace: fixtures, backend: new ProcessBackend() });
    await host.deploy([
      fn('Extensionless', 'handlers/precedence/ext', 'app.handler'),
      fn('JsOverMjs', 'handlers/precedence/js', 'app.handler'),
      fn('MjsOverCjs', 'handlers/precedence/mjs', 'app.handler'),
      fn('MissingDep', 'handlers/missing-dep', 'app.handler'),
      ...callbacks.map((name) => fn(name, 'callbacks', `app.${name}`)),
    ]);
  });
  after(async () => host?.dispose());

  const invoke = async (name: string) => {
    const result = await host.invoke(name, Buffer.from('{}'));
    return { ...result, body: JSON.parse(result.payload.toString('utf8')) as unknown };
  };

  it('loads the extensionless file before .js, .js before .mjs, .mjs before .cjs', async () => {
    assert.deepEqual([(await invoke('Extensionless')).body, (await invoke('JsOverMjs')).body, (await invoke('MjsOverCjs')).body], ['extensionless', 'js', 'mjs']);
  });

  it('names the missing dependency, not the handler file', async () => {
    const result = await invoke('MissingDep');
    assert.equal(result.error?.errorType, 'Runtime.ImportModuleError');
    assert.match(result.error?.errorMessage ?? '', /^Error: Cannot find module '@lambda-dock-fixture\/not-installed'\nRequire stack:/);
  });

  it('lets the first completion win', async () => {
    assert.deepEqual((await invoke('callbackThenSucceed')).body, 'callback first');
  });

  it('answers succeed and done at once, and a callback only when the event loop is empty unless told not to wait', async () => {
    const succeed = await invoke('succeedAtOnce');
    assert.equal(succeed.status, 'ok');
    assert.doesNotMatch(succeed.logs, /timer after succeed/);
    const waits = await invoke('callbackWaits');
    assert.match(waits.logs, /\tINFO\ttimer ran true\n[^]*END RequestId/);
    const noWait = await invoke('callbackNoWait');
    assert.equal(noWait.status, 'ok');
    assert.doesNotMatch(noWait.logs, /timer left running/);
    const error = await invoke('callbackErrorAtOnce');
    assert.deepEqual([error.error?.errorType, error.error?.errorMessage], ['RangeError', 'bad range']);
    const done = await invoke('doneWithError');
    assert.deepEqual([done.error?.errorType, done.error?.errorMessage], ['TypeError', 'done failed']);
    assert.deepEqual((await invoke('failWithNothing')).body, { errorType: 'string', errorMessage: 'handled', trace: [] });
  });

  it('answers null for a handler that never answers, and Runtime.NodeJsExit for an async one that never settles', async () => {
    const sync = await invoke('neverAnswersSync');
    assert.deepEqual([sync.status, sync.body], ['ok', null]);
    const neverSettles = await invoke('neverSettlesAsync');
    assert.equal(neverSettles.error?.errorType, 'Runtime.NodeJsExit');
    assert.match(neverSettles.error?.errorMessage ?? '', /^The Lambda runtime client detected an unexpected Node\.js exit code/);
  });

  it('reports thrown values that are not Errors as Lambda does', async () => {
    assert.deepEqual((await invoke('throwsNaN')).body, { errorType: 'number', errorMessage: 'NaN', trace: [] });
    assert.deepEqual((await invoke('throwsString')).body, { errorType: 'string', errorMessage: 'plain string', trace: [] });
    assert.deepEqual((await invoke('throwsObject')).body, { errorType: 'object', errorMessage: '[object Object]', trace: [] });
    assert.deepEqual((await invoke('rejectsUndefined')).body, { errorType: 'string', errorMessage: 'handled', trace: [] });
    const subclass = await invoke('throwsSubclass');
    assert.deepEqual([subclass.error?.errorType, subclass.error?.errorMessage], ['Error', 'card']);
    assert.deepEqual((await invoke('throwsErrorLike')).body, { errorType: 'Custom', errorMessage: 'looks like one', trace: ['Custom: looks like one', '    at fixture'] });
    assert.match((await invoke('throwsString')).logs, /\tERROR\tInvoke Error \t\{"errorType":"Error","errorMessage":"plain string"/);
  });
});
