import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { debugSourceRoots } from '../../../src/core/debug/sourceRoots';
import { withLambdaDefaults } from '../../../src/core/functions/definition';
import { hostPathOf } from '../../../src/core/runtime/client/debugSourceRoots';

function folder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-dock-roots-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('where a debugged instance\'s files come from', () => {
  it('maps /var/task to the code\'s folder and each file under /opt to the layer folder it was merged from', () => {
    const code = folder({ 'app.js': '' });
    const shared = folder({ 'nodejs/node_modules/a/index.js': '', 'nodejs/common.js': 'old', 'bin/tool': '' });
    const helper = folder({ 'helper.js': '', 'common.js': 'new' });
    const definition = withLambdaDefaults({
      name: 'Fn',
      codeDir: '/cache/content/abc',
      codeSourceDir: code,
      source: { file: 'template.yaml', line: 1 },
      layers: [{ name: 'a+b', dir: '/cache/content/layers', sources: [{ dir: shared }, { dir: helper, prefix: 'nodejs' }] }],
    });
    const roots = debugSourceRoots(definition, '/var/task', '/opt');
    assert.equal(hostPathOf(roots, '/var/task/app.js'), path.join(code, 'app.js'));
    // The npm-built layer went to nodejs/ after the other: its files win where both have one.
    assert.equal(hostPathOf(roots, '/opt/nodejs/helper.js'), path.join(helper, 'helper.js'));
    assert.equal(hostPathOf(roots, '/opt/nodejs/common.js'), path.join(helper, 'common.js'));
    assert.equal(hostPathOf(roots, '/opt/nodejs/node_modules/a/index.js'), path.join(shared, 'nodejs/node_modules/a/index.js'));
    assert.equal(hostPathOf(roots, '/opt/bin/tool'), path.join(shared, 'bin/tool'));
    assert.equal(hostPathOf(roots, '/var/runtime/index.mjs'), undefined);
  });

  it('takes an unpackaged definition\'s own folders (a layer\'s folder whole when it is alone)', () => {
    const definition = withLambdaDefaults({ name: 'Fn', codeDir: '/ws/fn', source: { file: 'template.yaml', line: 1 }, layers: [{ name: 'l', dir: '/ws/layer' }] });
    assert.deepEqual(debugSourceRoots(definition, '/var/task', '/opt'), [['/var/task', '/ws/fn'], ['/opt', '/ws/layer']]);
  });
});
