import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { serializeError } from '../../../src/core/runtime/client/errors';
import { loadHandler } from '../../../src/core/runtime/client/handlerLoader';
import { handlerModuleFile, parseHandlerName } from '../../../src/core/runtime/client/handlerResolution';
import { resolveCode } from '../../../src/core/workspace/functionCode';
import { findHandlerFile } from '../../../src/core/workspace/handlerFile';

const fixtures = path.join(__dirname, '../../fixtures/runtime/handlers');
const at = (dir: string) => path.join(fixtures, dir);

async function run(dir: string, handler: string): Promise<unknown> {
  return (await loadHandler(at(dir), handler))({}, {});
}

async function initError(dir: string, handler: string): Promise<{ errorType: string; errorMessage: string }> {
  try {
    await loadHandler(at(dir), handler);
  } catch (error) {
    return serializeError(error);
  }
  throw new Error(`expected ${handler} not to load`);
}

describe('handler resolution, as Lambda\'s Node.js runtime client does it', () => {
  it('splits the module at the first dot after the last slash; the rest is an export path', () => {
    assert.deepEqual(parseHandlerName('src/lib/app.api.v1.get'), { moduleRoot: 'src/lib/', module: 'app', exportPath: 'api.v1.get' });
    assert.deepEqual(parseHandlerName('index.handler'), { moduleRoot: '', module: 'index', exportPath: 'handler' });
    assert.ok('malformed' in parseHandlerName('index'));
    assert.ok('malformed' in parseHandlerName('../up.handler'));
  });

  // Loading by that order is tested through the bundled client (runtimeClient.test.ts): tsx's require hook prefers .js.
  it('picks the extensionless file, then .js, .mjs, .cjs, in that order', () => {
    const file = (dir: string) => path.relative(fixtures, handlerModuleFile(at(dir), { moduleRoot: '', module: 'app', exportPath: 'handler' })?.file ?? '');
    assert.deepEqual(['precedence/ext', 'precedence/js', 'precedence/mjs'].map(file), ['precedence/ext/app', 'precedence/js/app.js', 'precedence/mjs/app.mjs']);
  });

  it('imports .js as an ES module under a "type": "module" package, with a nested export path', async () => {
    assert.deepEqual(await (await loadHandler(at('esm-package'), 'lib/orders.api.v1.create'))({ id: 9 }, {}), { created: 9, kind: 'undefined' });
    assert.equal(handlerModuleFile(at('esm-package'), { moduleRoot: 'lib/', module: 'orders', exportPath: 'api' })?.loader, 'import');
  });

  it('finds a nested export even when another file is named like the whole handler', async () => {
    assert.equal(await run('nested', 'handlers.v2.orders.list'), 'nested export');
  });

  it('loads default exports by the name default, and never looks inside default for another name', async () => {
    assert.equal(await run('defaults', 'esm.default'), 'esm default');
    assert.equal(await run('defaults', 'cjs.default'), 'cjs default');
    const inside = await initError('defaults', 'only-default.handler');
    assert.deepEqual([inside.errorType, inside.errorMessage], ['Runtime.HandlerNotFound', 'only-default.handler is undefined or not exported']);
  });

  it('waits for top-level await before the handler is used', async () => {
    assert.deepEqual(await run('tla', 'app.handler'), { ready: true });
  });

  it('reports a missing dependency as the module that is missing, never as the handler file', async () => {
    const cjs = await initError('missing-dep', 'app.handler');
    assert.equal(cjs.errorType, 'Runtime.ImportModuleError');
    assert.match(cjs.errorMessage, /^Error: Cannot find module '@lambda-dock-fixture\/not-installed'\nRequire stack:\n- .*missing-dep\/app\.js/);
    const esm = await initError('missing-dep', 'esm.handler');
    assert.equal(esm.errorType, 'Runtime.ImportModuleError');
    assert.match(esm.errorMessage, /^Error: Cannot find package '@lambda-dock-fixture\/not-installed' imported from .*missing-dep\/esm\.mjs/);
    const absent = await initError('missing-dep', 'nothere.handler');
    assert.match(absent.errorMessage, /^Error: Cannot find module 'nothere'/);
  });

  it('the check before launch accepts exactly the handlers the loader loads', async () => {
    const cases: Array<[string, string]> = [
      ['precedence/mjs', 'app.handler'], ['esm-package', 'lib/orders.api.v1.create'],
      ['nested', 'handlers.v2.orders.list'], ['defaults', 'esm.default'], ['tla', 'app.handler'],
    ];
    for (const [dir, handler] of cases) {
      const file = findHandlerFile(at(dir), handler, 'nodejs22.x');
      assert.ok(file, `${dir} ${handler} refused before launch`);
      await loadHandler(at(dir), handler);
    }
    assert.equal(findHandlerFile(at('nested'), 'handlers.v2.orders.list', 'nodejs20.x'), path.join(at('nested'), 'handlers.js'));
    assert.equal(findHandlerFile(at('nested'), 'nothere.handler', 'nodejs20.x'), undefined);
    const problems: Array<{ message: string }> = [];
    resolveCode({ functionName: 'Nested', file: path.join(fixtures, 'template.yaml'), line: 1, runtime: 'nodejs20.x', handler: 'handlers.v2.orders.list', location: at('nested') }, problems as Parameters<typeof resolveCode>[1]);
    assert.deepEqual(problems, []);
  });
});
