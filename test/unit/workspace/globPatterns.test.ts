import * as assert from 'node:assert/strict';
import { globToRegExp, patternFilter } from '../../../src/core/workspace/globPatterns';

describe('package patterns', () => {
  it('matches globs the way serverless patterns do', () => {
    assert.ok(globToRegExp('docs/**').test('docs/a/b.md'));
    assert.ok(globToRegExp('**/*.md').test('README.md'));
    assert.ok(globToRegExp('**/*.md').test('a/b/c.md'));
    assert.ok(!globToRegExp('*.md').test('a/c.md'));
    assert.ok(globToRegExp('src/*.{js,ts}').test('src/a.ts'));
    assert.ok(globToRegExp('node_modules').test('node_modules/x/index.js'), 'a folder name matches what is in it');
    assert.ok(!globToRegExp('handlers/hello.js').test('handlers/hello.json'));
  });

  it('includes everything, then applies patterns in order', () => {
    const keep = patternFilter(['!docs/**', '!**/*.md', 'docs/keep.md']);
    assert.equal(keep('handlers/a.js'), true);
    assert.equal(keep('docs/guide.txt'), false);
    assert.equal(keep('README.md'), false);
    assert.equal(keep('docs/keep.md'), true);
  });
});
