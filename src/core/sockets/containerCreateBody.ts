import { forbidden, malformed } from './errors';
import {
  bool,
  buildObject,
  clientSide,
  command,
  int,
  intArray,
  join,
  keySet,
  labels,
  object,
  oneOf,
  refusedUnlessNull,
  refusedUnlessZero,
  str,
  strArray,
  strMap,
  type FieldRule,
  type Schema,
} from './fieldRules';
import { isJsonObject, type JsonObject, type JsonValue } from './strictJson';

/** What the body builders need to know about the scope the request comes from. */
export interface OwnershipLookup {
  /** The full id of a network this scope owns, by name, id or unique id prefix. */
  resolveNetwork(ref: string): string | undefined;
  /** True for a volume (by exact name) this scope owns. */
  ownsVolume(name: string): boolean;
}

const NOT_HOST = 'it reaches the host';
/** The engine's own networks a container may join ("default" is bridge); "host" is not one of them. */
const BUILTIN_NETWORKS = ['default', 'bridge', 'none'];
const ABSOLUTE_PATH = /^\/[^\0]*$/;

/** Network modes that keep the container in its own namespace: bridge, none, or a network of this scope. */
function networkMode(scope: OwnershipLookup): FieldRule {
  return (v, p) => {
    if (typeof v !== 'string') throw malformed(`${p} must be a string`);
    if (v === '' || BUILTIN_NETWORKS.includes(v)) return v === '' ? undefined : v;
    if (v === 'host' || v.includes(':')) throw forbidden(`${p} "${v}" is not allowed through a scoped socket (${NOT_HOST} or another container)`);
    const id = scope.resolveNetwork(v);
    if (!id) throw forbidden(`${p}: network "${v}" was not created through this socket's scope`);
    return id;
  };
}

/** Own namespaces only: "" or "private" (and for IPC "none"/"shareable"); "host" and "container:" refused. */
const privateNamespace =
  (...extra: string[]): FieldRule =>
  (v, p) => {
    if (typeof v !== 'string') throw malformed(`${p} must be a string`);
    if (v === '' || v === 'private' || extra.includes(v)) return v === '' ? undefined : v;
    throw forbidden(`${p} "${v}" is not allowed through a scoped socket (only the container's own namespace)`);
  };

/** Published ports bind to 127.0.0.1 only; an empty host address is made 127.0.0.1. */
const portBindings: FieldRule = (v, p) => {
  if (v === null) return undefined;
  if (!isJsonObject(v)) throw malformed(`${p} must be an object`);
  const out: JsonObject = {};
  for (const [port, bindings] of Object.entries(v)) {
    checkPortKey(port, join(p, port));
    if (bindings === null) continue;
    if (!Array.isArray(bindings)) throw malformed(`${join(p, port)} must be a list`);
    out[port] = bindings.map((b, i) => {
      const built = buildObject(b, { HostIp: str, HostPort: str }, `${join(p, port)}[${i}]`) ?? {};
      const ip = built.HostIp ?? '';
      if (ip !== '' && ip !== '127.0.0.1') throw forbidden(`${join(p, port)}[${i}].HostIp must be 127.0.0.1 (ports are published on loopback only)`);
      if (built.HostPort !== undefined && !/^[0-9]{0,5}(-[0-9]{1,5})?$/.test(built.HostPort as string)) throw malformed(`${join(p, port)}[${i}].HostPort is not a port`);
      return { HostIp: '127.0.0.1', HostPort: built.HostPort ?? '' };
    });
  }
  return out;
};

function checkPortKey(port: string, p: string): void {
  if (!/^[0-9]{1,5}(-[0-9]{1,5})?(\/(tcp|udp|sctp))?$/.test(port)) throw malformed(`${p} is not a port`);
}

const restartPolicy = object({
  Name: oneOf('', 'no', 'on-failure'),
  MaximumRetryCount: int(0, 10),
});

const logConfig = object({
  Type: oneOf('', 'json-file', 'local', 'none'),
  Config: (v, p) => {
    const map = strMap(v, p);
    for (const key of Object.keys(map ?? {})) {
      if (!['max-size', 'max-file', 'compress'].includes(key)) throw forbidden(`${join(p, key)} is not a log option a scoped socket accepts`);
    }
    return map;
  },
});

const ulimits: FieldRule = (v, p) => {
  if (v === null) return undefined;
  if (!Array.isArray(v)) throw malformed(`${p} must be a list`);
  return v.map((u, i) => buildObject(u, { Name: oneOf('nofile', 'nproc', 'core', 'stack', 'memlock', 'cpu', 'fsize'), Soft: int(-1), Hard: int(-1) }, `${p}[${i}]`) ?? {});
};

const tmpfsMap: FieldRule = (v, p) => {
  const map = strMap(v, p);
  for (const target of Object.keys(map ?? {})) {
    if (!ABSOLUTE_PATH.test(target)) throw malformed(`${join(p, target)} must be an absolute path`);
  }
  return map;
};

/** `-v NAME:/path[:ro|rw]` for a volume this scope owns; a host path is a bind mount and is refused. */
function binds(scope: OwnershipLookup): FieldRule {
  return (v, p) => {
    if (v === null) return undefined;
    if (!Array.isArray(v)) throw malformed(`${p} must be a list`);
    return v.map((entry, i) => {
      if (typeof entry !== 'string') throw malformed(`${p}[${i}] must be a string`);
      const parts = entry.split(':');
      const [source, target, mode] = parts;
      if (parts.length < 2 || parts.length > 3 || !source || !target) throw forbidden(`${p}[${i}] must be VOLUME:/path[:ro|rw]`);
      if (source.startsWith('/') || source.startsWith('.') || source.startsWith('~')) throw forbidden(`${p}[${i}] is a bind mount of a host path, which a scoped socket refuses`);
      if (!scope.ownsVolume(source)) throw forbidden(`${p}[${i}]: volume "${source}" was not created through this socket's scope`);
      if (!ABSOLUTE_PATH.test(target)) throw malformed(`${p}[${i}] target must be an absolute path`);
      if (mode !== undefined && mode !== 'ro' && mode !== 'rw') throw forbidden(`${p}[${i}] mode must be ro or rw`);
      return entry;
    });
  };
}

/** Mounts of type volume (own or anonymous) and tmpfs; bind, npipe, cluster and driver options refused. */
function mounts(scope: OwnershipLookup): FieldRule {
  const volumeOptions = object({ NoCopy: bool, Labels: labels, DriverConfig: refusedUnlessZero('volume drivers can bind host paths'), Subpath: str });
  const tmpfsOptions = object({ SizeBytes: int(0), Mode: int(0, 0o7777), Options: refusedUnlessZero('raw tmpfs options') });
  return (v, p) => {
    if (v === null) return undefined;
    if (!Array.isArray(v)) throw malformed(`${p} must be a list`);
    return v.map((m, i) => {
      const mp = `${p}[${i}]`;
      const built = buildObject(m, {
        Type: oneOf('volume', 'tmpfs'),
        Source: str,
        Target: str,
        ReadOnly: bool,
        Consistency: oneOf('', 'default', 'consistent', 'cached', 'delegated'),
        VolumeOptions: volumeOptions,
        TmpfsOptions: tmpfsOptions,
        BindOptions: refusedUnlessZero(NOT_HOST),
        ImageOptions: refusedUnlessZero('image mounts'),
        ClusterOptions: refusedUnlessZero('cluster volumes'),
      }, mp);
      if (!built || built.Type === undefined) throw malformed(`${mp}.Type is required`);
      if (typeof built.Target !== 'string' || !ABSOLUTE_PATH.test(built.Target)) throw malformed(`${mp}.Target must be an absolute path`);
      const source = (built.Source as string | undefined) ?? '';
      if (built.Type === 'volume') {
        if (built.TmpfsOptions !== undefined) throw malformed(`${mp}.TmpfsOptions is only for tmpfs mounts`);
        if (source !== '' && !scope.ownsVolume(source)) throw forbidden(`${mp}: volume "${source}" was not created through this socket's scope`);
      } else {
        if (source !== '') throw forbidden(`${mp}.Source must be empty for a tmpfs mount`);
        if (built.VolumeOptions !== undefined) throw malformed(`${mp}.VolumeOptions is only for volume mounts`);
      }
      return built;
    });
  };
}

function hostConfig(scope: OwnershipLookup): FieldRule {
  const schema: Schema = {
    // Resources: limits a container may set for itself.
    CpuShares: int(0),
    Memory: int(0),
    NanoCpus: int(0),
    CpuPeriod: int(0),
    CpuQuota: int(-1),
    CpusetCpus: str,
    CpusetMems: str,
    MemoryReservation: int(0),
    MemorySwap: int(-1),
    MemorySwappiness: int(-1, 100),
    PidsLimit: int(-1),
    BlkioWeight: int(0, 1000),
    CpuCount: int(0),
    CpuPercent: int(0, 100),
    ShmSize: int(0),
    Ulimits: ulimits,
    Init: (v, p) => (v === null ? undefined : bool(v, p)),
    OomScoreAdj: int(0, 1000),
    OomKillDisable: refusedUnlessZero('a container without the OOM killer can exhaust the host'),
    CgroupParent: refusedUnlessZero('it escapes the engine\'s cgroup'),
    Cgroup: refusedUnlessZero('another cgroup'),
    CpuRealtimePeriod: refusedUnlessZero('real-time scheduling'),
    CpuRealtimeRuntime: refusedUnlessZero('real-time scheduling'),
    KernelMemory: refusedUnlessZero('deprecated'),
    KernelMemoryTCP: refusedUnlessZero('deprecated'),
    BlkioWeightDevice: refusedUnlessZero('host devices'),
    BlkioDeviceReadBps: refusedUnlessZero('host devices'),
    BlkioDeviceWriteBps: refusedUnlessZero('host devices'),
    BlkioDeviceReadIOps: refusedUnlessZero('host devices'),
    BlkioDeviceWriteIOps: refusedUnlessZero('host devices'),
    IOMaximumIOps: refusedUnlessZero('Windows only'),
    IOMaximumBandwidth: refusedUnlessZero('Windows only'),

    // Lifecycle and presentation.
    AutoRemove: bool,
    RestartPolicy: restartPolicy,
    LogConfig: logConfig,
    ConsoleSize: intArray,
    ReadonlyRootfs: bool,
    ContainerIDFile: clientSide,

    // Networking inside the container's own namespace.
    NetworkMode: networkMode(scope),
    PortBindings: portBindings,
    Dns: strArray,
    DnsOptions: strArray,
    DnsSearch: strArray,
    ExtraHosts: strArray,
    PublishAllPorts: refusedUnlessZero('it publishes on every host address'),
    Links: refusedUnlessZero('it reaches other containers'),

    // Storage: own volumes and tmpfs only.
    Binds: binds(scope),
    Mounts: mounts(scope),
    Tmpfs: tmpfsMap,
    VolumeDriver: refusedUnlessZero('volume drivers can bind host paths'),
    VolumesFrom: refusedUnlessZero('it reaches other containers\' volumes'),
    StorageOpt: refusedUnlessZero('storage driver options'),

    // Privilege and isolation: the engine's defaults only.
    Privileged: refusedUnlessZero(NOT_HOST),
    CapAdd: refusedUnlessZero('added capabilities reach the host'),
    CapDrop: strArray,
    Devices: refusedUnlessZero('host devices'),
    DeviceCgroupRules: refusedUnlessZero('host devices'),
    DeviceRequests: refusedUnlessZero('host devices'),
    SecurityOpt: refusedUnlessZero('it weakens confinement'),
    MaskedPaths: refusedUnlessNull('it unmasks host paths under /proc'),
    ReadonlyPaths: refusedUnlessNull('it makes host paths under /proc writable'),
    Sysctls: refusedUnlessZero('kernel parameters'),
    Runtime: refusedUnlessZero('another runtime'),
    Isolation: oneOf('', 'default'),
    GroupAdd: strArray,
    IpcMode: privateNamespace('none', 'shareable'),
    PidMode: privateNamespace(),
    UTSMode: privateNamespace(),
    UsernsMode: privateNamespace(),
    CgroupnsMode: privateNamespace(),
    Annotations: refusedUnlessZero('runtime annotations'),
  };
  return object(schema);
}

function endpointsConfig(scope: OwnershipLookup): FieldRule {
  const endpoint = object({
    Aliases: strArray,
    IPAMConfig: refusedUnlessZero('fixed addresses'),
    Links: refusedUnlessZero('it reaches other containers'),
    MacAddress: refusedUnlessZero('fixed addresses'),
    DriverOpts: refusedUnlessZero('driver options'),
    GwPriority: refusedUnlessZero('gateway priority'),
    NetworkID: refusedUnlessZero('set by the engine'),
    EndpointID: refusedUnlessZero('set by the engine'),
    Gateway: refusedUnlessZero('set by the engine'),
    IPAddress: refusedUnlessZero('set by the engine'),
    IPPrefixLen: refusedUnlessZero('set by the engine'),
    IPv6Gateway: refusedUnlessZero('set by the engine'),
    GlobalIPv6Address: refusedUnlessZero('set by the engine'),
    GlobalIPv6PrefixLen: refusedUnlessZero('set by the engine'),
    DNSNames: refusedUnlessZero('set by the engine'),
  });
  return (v, p) => {
    if (v === null) return undefined;
    if (!isJsonObject(v)) throw malformed(`${p} must be an object`);
    const out: JsonObject = {};
    for (const [ref, settings] of Object.entries(v)) {
      const id = BUILTIN_NETWORKS.includes(ref) ? ref : scope.resolveNetwork(ref);
      if (!id) throw forbidden(`${join(p, ref)}: network "${ref}" was not created through this socket's scope`);
      out[id] = endpoint(settings, join(p, ref)) ?? {};
    }
    return out;
  };
}

const healthcheck = object({
  Test: strArray,
  Interval: int(0),
  Timeout: int(0),
  StartPeriod: int(0),
  StartInterval: int(0),
  Retries: int(0),
});

/**
 * Builds the body of POST /containers/create from an allowlist: fields a container may set for itself are
 * copied, fields that reach the host are accepted only at their zero value and never sent, unknown fields
 * are refused. `extraLabels` (the scope's) are added last and cannot be overridden.
 */
export function buildContainerCreateBody(input: JsonObject, scope: OwnershipLookup, extraLabels: Record<string, string>): JsonObject {
  const schema: Schema = {
    Image: str,
    Cmd: command,
    Entrypoint: command,
    Env: strArray,
    WorkingDir: str,
    User: str,
    Hostname: str,
    Domainname: str,
    Labels: labels,
    AttachStdin: bool,
    AttachStdout: bool,
    AttachStderr: bool,
    Tty: bool,
    OpenStdin: bool,
    StdinOnce: bool,
    ExposedPorts: keySet(checkPortKey),
    Volumes: keySet((key, p) => {
      if (!ABSOLUTE_PATH.test(key)) throw malformed(`${p} must be an absolute path`);
    }),
    Healthcheck: healthcheck,
    StopSignal: str,
    StopTimeout: int(0),
    NetworkDisabled: bool,
    ArgsEscaped: refusedUnlessZero('Windows only'),
    MacAddress: refusedUnlessZero('fixed addresses'),
    OnBuild: refusedUnlessZero('image builds'),
    Shell: refusedUnlessZero('image builds'),
    HostConfig: hostConfig(scope),
    NetworkingConfig: object({ EndpointsConfig: endpointsConfig(scope) }),
  };
  const body = buildObject(input, schema, '') ?? {};
  if (typeof body.Image !== 'string' || body.Image === '') throw malformed('Image is required');
  body.Labels = { ...((body.Labels as JsonObject | undefined) ?? {}), ...extraLabels };
  return body;
}

export type { JsonValue };
