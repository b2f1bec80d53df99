import { parseEngineTime, type ContainerTimes } from './statusClock';
import { isJsonObject, type JsonObject, type JsonValue } from './strictJson';

/**
 * What a container-list entry and a container inspect both say about a container's changing parts: its
 * name, state, health and network addresses. Lists read a copy the engine updates after some events
 * are sent (a container exits under its lock, then the copy follows), while inspect waits for that lock;
 * an answer whose entries agree with inspects asked for after it is not caught mid-change.
 */
export function listedSignature(entry: JsonObject): string {
  const name = Array.isArray(entry.Names) && typeof entry.Names[0] === 'string' ? entry.Names[0] : '';
  const status = typeof entry.Status === 'string' ? entry.Status : '';
  const health = /\((healthy|unhealthy)\)/.exec(status)?.[1] ?? (/\(health: starting\)/.test(status) ? 'starting' : '');
  const settings = isJsonObject(entry.NetworkSettings) ? entry.NetworkSettings.Networks : undefined;
  return signature(name, typeof entry.State === 'string' ? entry.State : '', health, settings);
}

export interface InspectedContainer {
  signature: string;
  times: ContainerTimes;
}

export function inspectedContainer(inspect: JsonObject): InspectedContainer {
  const state = isJsonObject(inspect.State) ? inspect.State : {};
  const status = typeof state.Status === 'string' ? state.Status : '';
  const healthStatus = isJsonObject(state.Health) && typeof state.Health.Status === 'string' ? state.Health.Status : '';
  const health = status === 'running' && ['healthy', 'unhealthy', 'starting'].includes(healthStatus) ? healthStatus : '';
  const settings = isJsonObject(inspect.NetworkSettings) ? inspect.NetworkSettings.Networks : undefined;
  return {
    signature: signature(typeof inspect.Name === 'string' ? inspect.Name : '', status, health, settings),
    times: { startedAt: parseEngineTime(state.StartedAt), finishedAt: parseEngineTime(state.FinishedAt) },
  };
}

function signature(name: string, state: string, health: string, networks: JsonValue | undefined): string {
  const addresses = isJsonObject(networks)
    ? Object.entries(networks)
        .map(([net, n]) => (isJsonObject(n) ? `${net}=${String(n.IPAddress ?? '')}/${String(n.EndpointID ?? '')}` : net))
        .sort()
    : [];
  return JSON.stringify([name, state, health, addresses]);
}
