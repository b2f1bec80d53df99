import type { ListeningEndpoint } from './backend';

/** What decides where instances' Runtime APIs listen and how they are told apart, as the backend found it. */
export interface EndpointFacts {
  kind: 'docker' | 'podman';
  /** Where the engine is reached (socket path or URL). */
  endpoint: string;
  /** The engine runs on this machine (a Unix socket). */
  local: boolean;
  /** LAMBDA_DOCK_RUNTIME_API_HOST and LAMBDA_DOCK_RUNTIME_API_BIND, set by hand for setups we cannot detect. */
  override?: { host: string; bind?: string };
  /** Asked only of a local engine without an override. */
  rootless(): Promise<boolean>;
  /** The instances' network's gateway, and whether this machine can bind it now (asked as rootless is). */
  gateway(): Promise<{ address: string; bindable: boolean }>;
}

/**
 * Where instances' Runtime APIs listen and whom they serve. By address wherever this machine sees the
 * instances' addresses (a local rootful engine); everywhere else 'unverified', with the reason the log gives.
 */
export async function chooseRuntimeApiEndpoint(facts: EndpointFacts): Promise<ListeningEndpoint> {
  if (facts.override) {
    const bindAddress = facts.override.bind ?? '0.0.0.0';
    const reason = `LAMBDA_DOCK_RUNTIME_API_HOST is set (${facts.override.host}), so connections are not checked against instance addresses, and the listeners bind ${bindAddress}`;
    return { bindAddress, advertisedHost: facts.override.host, identity: { kind: 'unverified', reason } };
  }
  const hostAlias = facts.kind === 'podman' ? 'host.containers.internal' : 'host.docker.internal';
  const unverified = (reason: string): ListeningEndpoint => ({ bindAddress: '127.0.0.1', advertisedHost: hostAlias, identity: { kind: 'unverified', reason } });
  if (!facts.local) {
    return unverified(`the engine at ${facts.endpoint} runs on another machine, whose containers reach this one through ${hostAlias}`);
  }
  if (await facts.rootless()) {
    return unverified(`the ${facts.kind} engine is rootless: its containers reach this machine through a user-mode network proxy that hides their addresses`);
  }
  const gateway = await facts.gateway();
  // Bound to the instances' bridge: its containers reach it, other machines do not.
  if (gateway.bindable) return { bindAddress: gateway.address, advertisedHost: gateway.address, identity: { kind: 'address' } };
  // Podman brings a bridge up with its first container: until then listen everywhere, serving only the instance's address.
  if (facts.kind === 'podman') return { bindAddress: gateway.address, fallbackBindAddress: '0.0.0.0', advertisedHost: gateway.address, identity: { kind: 'address' } };
  // Docker Desktop and other engines in a VM: the bridge is inside the VM, and the host is reached by name.
  return unverified(`the engine's bridge ${gateway.address} is not on this machine (Docker Desktop or another engine in a VM), so connections arrive from its proxy, not from the instances' addresses`);
}
