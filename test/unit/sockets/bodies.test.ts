import * as assert from 'node:assert/strict';
import { buildContainerCreateBody, type OwnershipLookup } from '../../../src/core/sockets/containerCreateBody';
import { ProxyRefusal } from '../../../src/core/sockets/errors';
import { buildExecCreateBody, buildNetworkCreateBody, buildVolumeCreateBody } from '../../../src/core/sockets/smallBodies';
import { parseJsonObjectBody, type JsonObject } from '../../../src/core/sockets/strictJson';

const NET_ID = 'a'.repeat(64);
const scope: OwnershipLookup = {
  resolveNetwork: (ref) => (ref === 'own-net' || ref === NET_ID || ref === 'aaaa' ? NET_ID : undefined),
  ownsVolume: (name) => name === 'own-vol',
};
const SCOPE_LABEL = { 'lambda-dock.io/scope': 's1' };

const body = (value: unknown): JsonObject => parseJsonObjectBody(Buffer.from(JSON.stringify(value)));
const create = (value: unknown): JsonObject => buildContainerCreateBody(body(value), scope, SCOPE_LABEL);
const createRaw = (text: string): JsonObject => buildContainerCreateBody(parseJsonObjectBody(Buffer.from(text)), scope, SCOPE_LABEL);

function refusedWith(fn: () => unknown, status: number, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof ProxyRefusal && e.status === status && pattern.test(e.message));
}

/** What `docker run --rm IMAGE echo hi` (docker 28, API 1.41) sends: every zero value spelled out. */
const DOCKER_CLI_RUN = {
  Hostname: '', Domainname: '', User: '', AttachStdin: false, AttachStdout: true, AttachStderr: true, Tty: false, OpenStdin: false,
  StdinOnce: false, Env: [], Cmd: ['echo', 'hi'], Image: 'img', Volumes: {}, WorkingDir: '', Entrypoint: null, OnBuild: null, Labels: {},
  HostConfig: {
    Binds: null, ContainerIDFile: '', LogConfig: { Type: '', Config: {} }, NetworkMode: 'default', PortBindings: {},
    RestartPolicy: { Name: 'no', MaximumRetryCount: 0 }, AutoRemove: true, VolumeDriver: '', VolumesFrom: null, ConsoleSize: [0, 0],
    CapAdd: null, CapDrop: null, CgroupnsMode: '', Dns: [], DnsOptions: [], DnsSearch: [], ExtraHosts: null, GroupAdd: null, IpcMode: '',
    Cgroup: '', Links: null, OomScoreAdj: 0, PidMode: '', Privileged: false, PublishAllPorts: false, ReadonlyRootfs: false, SecurityOpt: null,
    UTSMode: '', UsernsMode: '', ShmSize: 0, Isolation: '', CpuShares: 0, Memory: 0, NanoCpus: 0, CgroupParent: '', BlkioWeight: 0,
    BlkioWeightDevice: [], BlkioDeviceReadBps: [], BlkioDeviceWriteBps: [], BlkioDeviceReadIOps: [], BlkioDeviceWriteIOps: [], CpuPeriod: 0,
    CpuQuota: 0, CpuRealtimePeriod: 0, CpuRealtimeRuntime: 0, CpusetCpus: '', CpusetMems: '', Devices: [], DeviceCgroupRules: null,
    DeviceRequests: null, MemoryReservation: 0, MemorySwap: 0, MemorySwappiness: null, OomKillDisable: null, PidsLimit: null, Ulimits: [],
    CpuCount: 0, CpuPercent: 0, IOMaximumIOps: 0, IOMaximumBandwidth: 0, MaskedPaths: null, ReadonlyPaths: null,
  },
  NetworkingConfig: { EndpointsConfig: { default: { IPAMConfig: null, Links: null, Aliases: null, MacAddress: '', DriverOpts: null, NetworkID: '', EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0, IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, DNSNames: null } } },
};

describe('container create body', () => {
  it('accepts what the docker client sends and copies only allowed, non-zero fields', () => {
    const out = create(DOCKER_CLI_RUN);
    assert.deepEqual(out.Cmd, ['echo', 'hi']);
    assert.equal(out.Image, 'img');
    const host = out.HostConfig as JsonObject;
    assert.equal(host.AutoRemove, true);
    assert.equal(host.NetworkMode, 'default');
    for (const dropped of ['Privileged', 'Binds', 'CapAdd', 'Devices', 'SecurityOpt', 'MaskedPaths', 'CgroupParent', 'VolumeDriver']) {
      assert.ok(!(dropped in host), `${dropped} is not sent`);
    }
    assert.deepEqual(out.Labels, SCOPE_LABEL);
  });

  it('refuses everything in the threats note', () => {
    refusedWith(() => create({ Image: 'x', HostConfig: { Privileged: true } }), 403, /Privileged/);
    refusedWith(() => create({ Image: 'x', HostConfig: { Binds: ['/:/host'] } }), 403, /bind mount of a host path/);
    refusedWith(() => create({ Image: 'x', HostConfig: { Mounts: [{ Type: 'bind', Source: '/', Target: '/h' }] } }), 403, /Type must be one of/);
    refusedWith(() => create({ Image: 'x', HostConfig: { NetworkMode: 'host' } }), 403, /NetworkMode "host"/);
    refusedWith(() => create({ Image: 'x', HostConfig: { CapAdd: ['SYS_ADMIN'] } }), 403, /CapAdd/);
  });

  it('refuses the other ways to the host', () => {
    const refusedHost = (hostConfig: unknown, pattern: RegExp): void => refusedWith(() => create({ Image: 'x', HostConfig: hostConfig }), 403, pattern);
    refusedHost({ Devices: [{ PathOnHost: '/dev/sda', PathInContainer: '/dev/sda', CgroupPermissions: 'rwm' }] }, /Devices/);
    refusedHost({ PidMode: 'host' }, /PidMode/);
    refusedHost({ IpcMode: 'host' }, /IpcMode/);
    refusedHost({ UTSMode: 'host' }, /UTSMode/);
    refusedHost({ UsernsMode: 'host' }, /UsernsMode/);
    refusedHost({ CgroupnsMode: 'host' }, /CgroupnsMode/);
    refusedHost({ PidMode: 'container:abc' }, /PidMode/);
    refusedHost({ NetworkMode: 'container:abc' }, /NetworkMode/);
    refusedHost({ SecurityOpt: ['seccomp=unconfined'] }, /SecurityOpt/);
    refusedHost({ SecurityOpt: ['apparmor=unconfined'] }, /SecurityOpt/);
    refusedHost({ MaskedPaths: [] }, /MaskedPaths/);
    refusedHost({ ReadonlyPaths: [] }, /ReadonlyPaths/);
    refusedHost({ CgroupParent: '/' }, /CgroupParent/);
    refusedHost({ VolumeDriver: 'local' }, /VolumeDriver/);
    refusedHost({ VolumesFrom: ['other'] }, /VolumesFrom/);
    refusedHost({ Links: ['other:o'] }, /Links/);
    refusedHost({ Sysctls: { 'kernel.shm_rmid_forced': '1' } }, /Sysctls/);
    refusedHost({ Runtime: 'runc-unsafe' }, /Runtime/);
    refusedHost({ DeviceRequests: [{ Count: -1 }] }, /DeviceRequests/);
    refusedHost({ PublishAllPorts: true }, /PublishAllPorts/);
    refusedHost({ PortBindings: { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }] } }, /127\.0\.0\.1/);
    refusedHost({ Mounts: [{ Type: 'volume', Source: 'other-vol', Target: '/d' }] }, /other-vol/);
    refusedHost({ Mounts: [{ Type: 'volume', Source: 'own-vol', Target: '/d', VolumeOptions: { DriverConfig: { Name: 'local', Options: { type: 'none', o: 'bind', device: '/' } } } }] }, /DriverConfig/);
    refusedHost({ Binds: ['other-vol:/d'] }, /other-vol/);
    refusedHost({ NetworkMode: 'other-net' }, /other-net/);
    refusedHost({ LogConfig: { Type: 'syslog', Config: { 'syslog-address': 'tcp://10.0.0.1:514' } } }, /Type/);
    refusedHost({ OomKillDisable: true }, /OomKillDisable/);
  });

  it('refuses unknown, case-variant and duplicate keys', () => {
    refusedWith(() => create({ Image: 'x', HostConfig: { privileged: true } }), 403, /HostConfig\.privileged is not a field/);
    refusedWith(() => create({ Image: 'x', Unknown: 1 }), 403, /Unknown is not a field/);
    refusedWith(() => createRaw('{"Image":"x","HostConfig":{"Privileged":false,"Privileged":true}}'), 400, /twice/);
    refusedWith(() => createRaw('{"Image":"x","HostConfig":{"Privileged":false,"PRIVILEGED":true}}'), 400, /twice/);
    refusedWith(() => createRaw('{"Image":"x","image":"y"}'), 400, /twice/);
  });

  it('refuses labels under the reserved prefix (a copied label grants nothing, but it is not even copied)', () => {
    refusedWith(() => create({ Image: 'x', Labels: { 'lambda-dock.io/scope': 'other' } }), 403, /reserved/);
    refusedWith(() => create({ Image: 'x', Labels: { 'Lambda-Dock.session': 'x' } }), 403, /reserved/);
  });

  it('keeps own networks and volumes, rewriting network references to full ids', () => {
    const out = create({
      Image: 'x',
      HostConfig: { NetworkMode: 'own-net', Binds: ['own-vol:/data:ro'], Mounts: [{ Type: 'tmpfs', Target: '/t' }, { Type: 'volume', Source: 'own-vol', Target: '/v' }] },
      NetworkingConfig: { EndpointsConfig: { 'own-net': { Aliases: ['a'] } } },
    });
    assert.equal((out.HostConfig as JsonObject).NetworkMode, NET_ID);
    assert.deepEqual((out.NetworkingConfig as JsonObject).EndpointsConfig, { [NET_ID]: { Aliases: ['a'] } });
    assert.deepEqual((out.HostConfig as JsonObject).Binds, ['own-vol:/data:ro']);
  });

  it('publishes ports on loopback only', () => {
    const out = create({ Image: 'x', HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] } } });
    assert.deepEqual((out.HostConfig as JsonObject).PortBindings, { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] });
  });

  it('requires an image', () => {
    refusedWith(() => create({ Cmd: ['sh'] }), 400, /Image is required/);
  });
});

describe('exec, network and volume bodies', () => {
  it('refuses privileged exec and keeps the command', () => {
    assert.deepEqual(buildExecCreateBody(body({ Cmd: ['sh'], AttachStdout: true, Privileged: false })), { Cmd: ['sh'], AttachStdout: true });
    refusedWith(() => buildExecCreateBody(body({ Cmd: ['sh'], Privileged: true })), 403, /Privileged/);
  });

  it('refuses volume driver options that bind host paths', () => {
    refusedWith(() => buildVolumeCreateBody(body({ Name: 'v1', DriverOpts: { type: 'none', o: 'bind', device: '/' } }), SCOPE_LABEL), 403, /DriverOpts/);
    refusedWith(() => buildVolumeCreateBody(body({ Name: 'v1', Driver: 'nfs' }), SCOPE_LABEL), 403, /Driver/);
    assert.deepEqual(buildVolumeCreateBody(body({ Name: 'v1', Driver: 'local', DriverOpts: {}, Labels: {} }), SCOPE_LABEL), { Name: 'v1', Driver: 'local', Labels: SCOPE_LABEL });
  });

  it('accepts the docker client network create and refuses host-facing options', () => {
    const cli = { Name: 'n', CheckDuplicate: true, Driver: 'bridge', Scope: '', EnableIPv6: false, IPAM: { Driver: 'default', Options: {}, Config: [] }, Internal: false, Attachable: false, Ingress: false, ConfigOnly: false, ConfigFrom: null, Options: {}, Labels: {} };
    const out = buildNetworkCreateBody(body(cli), SCOPE_LABEL);
    assert.equal(out.Name, 'n');
    assert.deepEqual(out.Labels, SCOPE_LABEL);
    refusedWith(() => buildNetworkCreateBody(body({ Name: 'n', Driver: 'macvlan' }), SCOPE_LABEL), 403, /Driver/);
    refusedWith(() => buildNetworkCreateBody(body({ Name: 'n', Options: { 'com.docker.network.bridge.name': 'docker0' } }), SCOPE_LABEL), 403, /Options/);
    refusedWith(() => buildNetworkCreateBody(body({ Name: 'n', IPAM: { Config: [{ Subnet: '10.0.0.0/8' }] } }), SCOPE_LABEL), 403, /IPAM/);
    refusedWith(() => buildNetworkCreateBody(body({ Name: 'lambda-dock-sandboxes' }), SCOPE_LABEL), 403, /reserved for Lambda Dock/);
    refusedWith(() => buildNetworkCreateBody(body({ Name: 'Lambda-Dock-x' }), SCOPE_LABEL), 403, /reserved for Lambda Dock/);
  });
});
