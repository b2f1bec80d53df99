import * as assert from 'node:assert/strict';
import { canonicalizeTarget, upstreamPath } from '../../../src/core/sockets/canonicalPath';
import { ProxyRefusal } from '../../../src/core/sockets/errors';

function refusal(target: string): number {
  try {
    canonicalizeTarget(target);
  } catch (error) {
    assert.ok(error instanceof ProxyRefusal, `expected a refusal for ${target}, got ${String(error)}`);
    return error.status;
  }
  assert.fail(`${target} was accepted`);
}

describe('canonicalizeTarget', () => {
  it('reads the version prefix, segments and query once', () => {
    const t = canonicalizeTarget('/v1.41/containers/json?all=1&filters=%7B%22label%22%3A%5B%22a%3Db%22%5D%7D');
    assert.equal(t.version, '1.41');
    assert.deepEqual(t.segments, ['containers', 'json']);
    assert.equal(t.query.get('all'), '1');
    assert.equal(t.query.get('filters'), '{"label":["a=b"]}');
  });

  it('accepts a path without a version prefix', () => {
    const t = canonicalizeTarget('/_ping');
    assert.equal(t.version, undefined);
    assert.deepEqual(t.segments, ['_ping']);
  });

  it('keeps image names with a registry, a tag and a digest', () => {
    assert.deepEqual(canonicalizeTarget('/v1.41/images/lambda-dock-test/busybox:1/json').segments, ['images', 'lambda-dock-test', 'busybox:1', 'json']);
  });

  it('bounds the API version', () => {
    assert.equal(refusal('/v1.12/containers/json'), 403);
    assert.equal(refusal('/v1.23/containers/json'), 403);
    assert.equal(refusal('/v1.99/containers/json'), 403);
    assert.equal(refusal('/v2.0/containers/json'), 403);
    assert.equal(canonicalizeTarget('/v1.24/containers/json').version, '1.24');
    assert.equal(canonicalizeTarget('/v1.47/containers/json').version, '1.47');
  });

  it('refuses malformed version prefixes', () => {
    for (const t of ['/v1.041/containers/json', '/v01.41/containers/json', '/v1.41.0/containers/json', '/v1/containers/json']) assert.equal(refusal(t), 400, t);
  });

  it('refuses dot segments, plain and encoded', () => {
    for (const t of [
      '/v1.41/containers/abc/../def/json',
      '/containers/./json',
      '/v1.41/containers/abc/%2e%2e/def/json',
      '/v1.41/containers/abc/%2E%2E/def/json',
      '/v1.41/containers/abc/.%2e/def/json',
      '/v1.41/containers/%2e/json',
    ]) assert.equal(refusal(t), 403, t);
  });

  it('refuses encoded slashes and backslashes, doubled slashes and double encoding', () => {
    for (const t of [
      '/v1.41/containers/abc%2F..%2Fdef/json',
      '/v1.41/containers/abc%2fdef/json',
      '/v1.41/containers/abc%5cdef/json',
      '/v1.41/containers//json',
      '//v1.41/containers/json',
      '/v1.41/containers/json/',
      '/v1.41/containers/abc%252e%252e/json',
      '/v1.41\\containers/json',
    ]) assert.equal(refusal(t), 403, t);
  });

  it('refuses targets that are not plain origin-form ASCII', () => {
    for (const t of ['containers/json', 'http://docker/containers/json', '/containers/json#x', '/containers/j\u00e9son', '/containers/%zz/json']) {
      assert.equal(refusal(t), 400, t);
    }
  });

  it('refuses duplicate and malformed query parameters', () => {
    assert.equal(refusal('/containers/json?all=1&all=0'), 400);
    assert.equal(refusal('/containers/json?all=1;size=1'), 400);
    assert.equal(refusal('/containers/json?all=%zz'), 400);
    assert.equal(refusal('/containers/json?name=%00'), 400);
  });

  it('builds the upstream path from canonical pieces', () => {
    assert.equal(upstreamPath('1.41', ['containers', 'a b', 'json'], new Map([['filters', '{"a":["b"]}']])), '/v1.41/containers/a%20b/json?filters=%7B%22a%22%3A%5B%22b%22%5D%7D');
    assert.equal(upstreamPath(undefined, ['images', 'lambda-dock-test', 'busybox:1', 'json']), '/images/lambda-dock-test/busybox:1/json');
  });
});
