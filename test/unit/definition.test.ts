import * as assert from 'node:assert/strict';
import { withLambdaDefaults } from '../../src/core/functions/definition';

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
