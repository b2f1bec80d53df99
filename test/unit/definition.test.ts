import * as assert from 'node:assert/strict';
import { esbuildSourcemap, withLambdaDefaults } from '../../src/core/functions/definition';

describe('withLambdaDefaults', () => {
  it('fills in Lambda defaults and keeps what the definition says', () => {
    const fn = withLambdaDefaults({ name: 'Hello', source: { file: 'template.yaml', line: 3 }, timeoutSeconds: 10 });
    assert.equal(fn.memorySizeMB, 128);
    assert.equal(fn.timeoutSeconds, 10);
    assert.equal(fn.architecture, 'x86_64');
    assert.deepEqual(fn.layers, []);
    assert.equal(fn.dockerSocket, false);
  });
});

describe('esbuildSourcemap', () => {
  it('reads SAM\'s true and false, and esbuild\'s own kinds (inline keeps the map inside the bundle)', () => {
    assert.equal(esbuildSourcemap(true), 'linked');
    assert.equal(esbuildSourcemap('true'), 'linked');
    assert.equal(esbuildSourcemap(false), false);
    assert.equal(esbuildSourcemap('false'), false);
    assert.equal(esbuildSourcemap('inline'), 'inline');
    assert.equal(esbuildSourcemap('both'), 'both');
    assert.equal(esbuildSourcemap('external'), 'external');
    assert.equal(esbuildSourcemap('sideways'), undefined);
    assert.equal(esbuildSourcemap(undefined), undefined);
  });
});
