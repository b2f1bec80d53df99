import * as assert from 'node:assert/strict';
import { canonicalizeTarget } from '../../../src/core/sockets/canonicalPath';
import { ProxyRefusal } from '../../../src/core/sockets/errors';
import { matchRoute } from '../../../src/core/sockets/routes';

const match = (method: string, target: string) => matchRoute(method, canonicalizeTarget(target));

function refused(method: string, target: string): void {
  assert.throws(() => match(method, target), (e: unknown) => e instanceof ProxyRefusal && e.status === 403, `${method} ${target}`);
}

describe('route table', () => {
  it('matches what the docker client needs', () => {
    assert.equal(match('HEAD', '/_ping').route.kind, 'ping');
    assert.equal(match('GET', '/v1.41/version').route.kind, 'version');
    assert.equal(match('GET', '/v1.41/containers/json?all=1').route.kind, 'containerList');
    assert.equal(match('POST', '/v1.41/containers/create?name=x').route.kind, 'containerCreate');
    const attach = match('POST', '/v1.41/containers/abc/attach?stream=1&stdout=1&stderr=1');
    assert.equal(attach.route.kind, 'containerAttach');
    assert.equal(attach.params.id, 'abc');
    assert.equal(match('POST', '/v1.41/containers/abc/wait?condition=removed').route.kind, 'containerWait');
    assert.equal(match('DELETE', '/v1.41/containers/abc?force=1&v=1').route.kind, 'containerRemove');
    assert.equal(match('POST', '/v1.41/exec/abc/start').route.kind, 'execStart');
    assert.equal(match('GET', '/v1.41/events?since=1').route.kind, 'events');
  });

  it('takes image names with slashes for inspect, and keeps the list separate', () => {
    assert.equal(match('GET', '/images/json').route.kind, 'imageList');
    const inspect = match('GET', '/v1.41/images/registry.local:5000/team/app:1/json');
    assert.equal(inspect.route.kind, 'imageInspect');
    assert.equal(inspect.params.name, 'registry.local:5000/team/app:1');
  });

  it('refuses everything outside the table', () => {
    refused('POST', '/images/create?fromImage=alpine');
    refused('DELETE', '/images/abc');
    refused('POST', '/build');
    refused('POST', '/session');
    refused('POST', '/containers/prune');
    refused('POST', '/volumes/prune');
    refused('GET', '/swarm');
    refused('POST', '/swarm/init');
    refused('GET', '/plugins');
    refused('GET', '/libpod/containers/json');
    refused('GET', '/v1.41/libpod/info');
    refused('GET', '/containers/abc/archive?path=/');
    refused('PUT', '/containers/abc/archive?path=/');
    refused('GET', '/containers/abc/export');
    refused('POST', '/containers/abc/update');
    refused('POST', '/containers/abc/rename?name=y');
    refused('POST', '/networks/abc/connect');
    refused('GET', '/secrets');
    refused('POST', '/commit?container=abc');
    refused('GET', '/containers/abc/attach/ws');
  });

  it('refuses a method the route does not take', () => {
    refused('POST', '/containers/json');
    refused('DELETE', '/_ping');
    refused('GET', '/containers/abc/start');
  });

  it('refuses query parameters the route does not list', () => {
    refused('DELETE', '/containers/abc?link=1');
    refused('GET', '/containers/json?all=1&extra=1');
    refused('POST', '/containers/abc/start?hostConfig=1');
  });
});
