import type Docker from 'dockerode';
import { errorMessage, LambdaDockError } from '../errors';
import { SCOPE_LABELS } from '../sockets/scopeRecord';
import { LABELS } from './backend';
import { ENGINE_ERRORS } from './errors';

/** The bridge network every instance runs on, shared by the sessions of one engine (one address pool, not one per session). */
export const INSTANCE_NETWORK = 'lambda-dock-sandboxes';
/** What earlier versions called it; made without isolating its members, so it is given up (removed where it can be). */
const EARLIER_INSTANCE_NETWORK = 'lambda-dock-instances';
const INSTANCE_NETWORK_ROLE = 'instances';

export interface InstanceNetwork {
  id: string;
  name: string;
  /** The host's address on it: where instances reach their Runtime APIs. */
  gateway: string;
}

interface NetworkInfo {
  Id: string;
  Name: string;
  Labels?: Record<string, string> | null;
  IPAM?: { Config?: Array<{ Gateway?: string; Subnet?: string }> | null };
}

/** dockerd's bridge option: members cannot reach one another, only the host (where the Runtime APIs are). */
const NO_INTER_CONTAINER = { 'com.docker.network.bridge.enable_icc': 'false' };

export interface InstanceNetworkOptions {
  /**
   * Cut instances off from one another (a debugged instance's inspector, a function's own server): dockerd's
   * bridge does it; Podman's netavark has no such option and warns, so it is not asked there.
   */
  isolateMembers: boolean;
}

/**
 * Finds or creates the instances' network. Only instances join it, and they run without NET_RAW, so no
 * member can forge another's address on it: the address the engine gives an instance there identifies it.
 * It is found by its label, which a scoped Docker socket cannot set, never by its name alone.
 */
export async function ensureInstanceNetwork(docker: Docker, options: InstanceNetworkOptions = { isolateMembers: false }): Promise<InstanceNetwork> {
  const existing = await findInstanceNetwork(docker);
  if (existing) return existing;
  await removeEarlierNetwork(docker);
  try {
    await docker.createNetwork({
      Name: INSTANCE_NETWORK,
      Driver: 'bridge',
      CheckDuplicate: true,
      Labels: { [LABELS.network]: INSTANCE_NETWORK_ROLE },
      ...(options.isolateMembers ? { Options: NO_INTER_CONTAINER } : {}),
    });
  } catch (error) {
    // 409: another session created it at the same moment (found below), or a network of that name is not ours.
    if ((error as { statusCode?: number }).statusCode !== 409) throw networkFailed(`could not create the network ${INSTANCE_NETWORK}: ${errorMessage(error)}`, error);
  }
  const created = await findInstanceNetwork(docker);
  if (!created) {
    throw networkFailed(`a network named ${INSTANCE_NETWORK} exists that Lambda Dock did not create (it lacks the label ${LABELS.network}=${INSTANCE_NETWORK_ROLE}): remove it (docker network rm ${INSTANCE_NETWORK}) and try again`);
  }
  return created;
}

/** An earlier version's network, when nothing holds it any more (a session of that version may still run on it). */
async function removeEarlierNetwork(docker: Docker): Promise<void> {
  const listed = (await docker.listNetworks({ filters: { label: [`${LABELS.network}=${INSTANCE_NETWORK_ROLE}`] } })) as NetworkInfo[];
  const earlier = listed.find((n) => n.Name === EARLIER_INSTANCE_NETWORK && !n.Labels?.[SCOPE_LABELS.scope]);
  if (earlier) await docker.getNetwork(earlier.Id).remove().catch(() => undefined);
}

async function findInstanceNetwork(docker: Docker): Promise<InstanceNetwork | undefined> {
  const listed = (await docker.listNetworks({ filters: { label: [`${LABELS.network}=${INSTANCE_NETWORK_ROLE}`] } })) as NetworkInfo[];
  const ours = listed.find((n) => n.Name === INSTANCE_NETWORK && !n.Labels?.[SCOPE_LABELS.scope]);
  if (!ours) return undefined;
  // Lists leave IPAM out on some engines: the network's own inspect has it.
  const network = (await docker.getNetwork(ours.Id).inspect()) as NetworkInfo;
  const gateway = bridgeGateway(network.IPAM?.Config ?? []);
  if (!gateway) throw networkFailed(`the network ${INSTANCE_NETWORK} has no IPv4 gateway: remove it (docker network rm ${INSTANCE_NETWORK}) so Lambda Dock makes it again`);
  return { id: network.Id, name: network.Name, gateway };
}

/** A bridge's IPv4 gateway; dockerd leaves it out of the default bridge's IPAM, where it is the subnet's first address. */
export function bridgeGateway(configs: Array<{ Gateway?: string; Subnet?: string }>): string | undefined {
  const ipv4 = configs.find((c) => c.Subnet && !c.Subnet.includes(':'));
  if (ipv4?.Gateway) return ipv4.Gateway;
  const base = ipv4?.Subnet?.split('/')[0].split('.').map(Number);
  if (!base || base.length !== 4) return undefined;
  base[3] += 1;
  return base.join('.');
}

function networkFailed(message: string, cause?: unknown): LambdaDockError {
  return new LambdaDockError(ENGINE_ERRORS.launchFailed, `Instances cannot start: ${message}.`, { cause });
}
