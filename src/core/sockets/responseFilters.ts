import { forbidden } from './errors';
import { SCOPE_LABELS, type ScopeRecord } from './scopeRecord';
import { isJsonObject, parseStrictJson, type JsonObject, type JsonValue } from './strictJson';

/** The engine's response headers a client may see; everything else (Server, host details) is dropped. */
export function passHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  const pick = (name: string, as: string): void => {
    const v = headers[name];
    if (typeof v === 'string') out[as] = v;
  };
  pick('content-type', 'Content-Type');
  pick('api-version', 'Api-Version');
  pick('docker-experimental', 'Docker-Experimental');
  pick('ostype', 'Ostype');
  pick('cache-control', 'Cache-Control');
  pick('pragma', 'Pragma');
  return out;
}

/** `docker info` without host details: only what describes the engine's capabilities, counts of our own. */
export function trimInfo(info: JsonValue, own: { total: number; running: number; paused: number; stopped: number }): JsonObject {
  const src = isJsonObject(info) ? info : {};
  const keep = [
    'ServerVersion', 'OSType', 'Architecture', 'NCPU', 'MemTotal', 'Driver', 'CgroupDriver', 'CgroupVersion',
    'MemoryLimit', 'SwapLimit', 'CpuCfsPeriod', 'CpuCfsQuota', 'CPUShares', 'CPUSet', 'PidsLimit', 'OomKillDisable',
    'IPv4Forwarding', 'Debug', 'ExperimentalBuild', 'LoggingDriver', 'DefaultRuntime', 'Isolation', 'Images',
  ];
  const out: JsonObject = {};
  for (const k of keep) if (k in src) out[k] = src[k]!;
  out.ID = '';
  out.Name = 'lambda-dock-scoped-socket';
  out.OperatingSystem = 'Lambda Dock scoped Docker socket';
  out.Containers = own.total;
  out.ContainersRunning = own.running;
  out.ContainersPaused = own.paused;
  out.ContainersStopped = own.stopped;
  out.Labels = [];
  out.Warnings = [];
  out.Swarm = { LocalNodeState: 'inactive', NodeID: '', NodeAddr: '', ControlAvailable: false, Error: '', RemoteManagers: null };
  return out;
}

/** `docker version` without the kernel version of the host. */
export function trimVersion(version: JsonValue): JsonValue {
  if (!isJsonObject(version)) return version;
  delete version.KernelVersion;
  const components = version.Components;
  if (Array.isArray(components)) {
    for (const c of components) if (isJsonObject(c) && isJsonObject(c.Details)) delete c.Details.KernelVersion;
  }
  return version;
}

/** Container inspect without the host paths of its files. */
export function trimContainerInspect(value: JsonValue): JsonValue {
  if (!isJsonObject(value)) return value;
  for (const k of ['HostnamePath', 'HostsPath', 'ResolvConfPath', 'LogPath', 'GraphDriver']) delete value[k];
  if (Array.isArray(value.Mounts)) for (const m of value.Mounts) if (isJsonObject(m)) delete m.Source;
  return value;
}

export function trimImageInspect(value: JsonValue): JsonValue {
  if (isJsonObject(value)) delete value.GraphDriver;
  return value;
}

export function trimVolume(value: JsonValue): JsonValue {
  if (isJsonObject(value)) delete value.Mountpoint;
  return value;
}

/**
 * Adds the scope's label to a client's `filters` query (both the list and the map form), so the engine
 * selects (and limits) within the scope; the proxy still filters the answer by its own record.
 */
export function scopedFilters(raw: string | undefined, scopeId: string): string {
  const label = `${SCOPE_LABELS.scope}=${scopeId}`;
  const out = parseFilters(raw);
  const existing = out.label;
  if (existing === undefined) out.label = [label];
  else if (Array.isArray(existing)) existing.push(label);
  else existing[label] = true;
  return JSON.stringify(out);
}

/** A `filters` query value: a JSON object of string lists (or the old map-of-true form); nothing else. */
export function parseFilters(raw: string | undefined): Record<string, string[] | Record<string, boolean>> {
  const parsed = raw === undefined || raw === '' ? {} : parseStrictJson(raw);
  if (!isJsonObject(parsed)) throw forbidden('filters must be a JSON object');
  const out: Record<string, string[] | Record<string, boolean>> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) out[key] = [...(value as string[])];
    else if (isJsonObject(value) && Object.values(value).every((v) => typeof v === 'boolean')) out[key] = { ...(value as Record<string, boolean>) };
    else throw forbidden(`filters.${key} must be a list of strings`);
  }
  return out;
}

/** Keeps the list entries whose id (by `idOf`) this scope owns. */
export function filterOwned(list: JsonValue, owns: (entry: JsonObject) => boolean): JsonValue[] {
  if (!Array.isArray(list)) return [];
  return list.filter((entry) => isJsonObject(entry) && owns(entry));
}

/** Whether an engine event concerns only resources of this scope. */
export function eventIsOwned(event: JsonValue, scope: ScopeRecord): boolean {
  if (!isJsonObject(event)) return false;
  const type = event.Type;
  const actor = isJsonObject(event.Actor) ? event.Actor : {};
  const id = typeof actor.ID === 'string' ? actor.ID : '';
  const attributes = isJsonObject(actor.Attributes) ? actor.Attributes : {};
  const container = typeof attributes.container === 'string' ? attributes.container : undefined;
  if (container !== undefined && !scope.containers.has(container)) return false;
  if (type === 'container') return scope.containers.has(id);
  if (type === 'network') return scope.networks.has(id);
  if (type === 'volume') return scope.volumes.has(id);
  return false;
}

/** An event about a container the record does not know yet but whose create may still be in flight. */
export function eventMayBePending(event: JsonValue, scope: ScopeRecord): boolean {
  if (!isJsonObject(event) || !isJsonObject(event.Actor)) return false;
  const attributes = isJsonObject(event.Actor.Attributes) ? event.Actor.Attributes : {};
  return scope.pending.size > 0 && attributes[SCOPE_LABELS.scope] === scope.id;
}
