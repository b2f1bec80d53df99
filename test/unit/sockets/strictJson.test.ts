import * as assert from 'node:assert/strict';
import { ProxyRefusal } from '../../../src/core/sockets/errors';
import { parseStrictJson } from '../../../src/core/sockets/strictJson';

const bad = (text: string): void => assert.throws(() => parseStrictJson(text), (e: unknown) => e instanceof ProxyRefusal && e.status === 400, text);

describe('parseStrictJson', () => {
  it('parses what JSON.parse parses', () => {
    const text = '{"a":[1,-2.5e3,true,false,null,"x\\"y\\u00e9"],"b":{"c":{}},"d":""}';
    assert.deepEqual(JSON.parse(JSON.stringify(parseStrictJson(text))), JSON.parse(text));
  });

  it('refuses duplicate keys, also in another case', () => {
    bad('{"Image":"a","Image":"b"}');
    bad('{"HostConfig":{"Privileged":false,"privileged":true}}');
    bad('{"image":"a","IMAGE":"b"}');
  });

  it('refuses trailing data, deep nesting and malformed input', () => {
    bad('{"a":1} {"b":2}');
    bad('{"a":1,}');
    bad('[1,2');
    bad('{"a":01}');
    bad(`${'['.repeat(40)}${']'.repeat(40)}`);
    bad('{"a":"line\nbreak"}');
    bad("{'a':1}");
  });

  it('keeps __proto__ as a plain key without touching prototypes', () => {
    const value = parseStrictJson('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(value), null);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
