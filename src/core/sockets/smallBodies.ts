import { forbidden, malformed } from './errors';
import { bool, buildObject, intArray, labels, object, oneOf, refusedUnlessZero, str, strArray } from './fieldRules';
import type { JsonObject } from './strictJson';

/** POST /containers/{id}/exec: a command in the container's own context; privileged exec refused. */
export function buildExecCreateBody(input: JsonObject): JsonObject {
  const body = buildObject(input, {
    Cmd: strArray,
    Env: strArray,
    WorkingDir: str,
    User: str,
    Tty: bool,
    ConsoleSize: intArray,
    AttachStdin: bool,
    AttachStdout: bool,
    AttachStderr: bool,
    DetachKeys: str,
    Detach: bool,
    Privileged: refusedUnlessZero('it reaches the host'),
  }, '') ?? {};
  if (!Array.isArray(body.Cmd) || body.Cmd.length === 0) throw malformed('Cmd is required');
  return body;
}

/** POST /exec/{id}/start. */
export function buildExecStartBody(input: JsonObject): JsonObject {
  return buildObject(input, { Detach: bool, Tty: bool, ConsoleSize: intArray }, '') ?? {};
}

const RESERVED_NETWORK_PREFIX = 'lambda-dock';

/** POST /networks/create: a plain bridge network with the engine's own addressing. */
export function buildNetworkCreateBody(input: JsonObject, extraLabels: Record<string, string>): JsonObject {
  const body = buildObject(input, {
    Name: str,
    CheckDuplicate: bool,
    Driver: oneOf('', 'bridge'),
    Internal: bool,
    Attachable: bool,
    EnableIPv4: bool,
    EnableIPv6: refusedUnlessZero('IPv6 addressing'),
    Labels: labels,
    Scope: oneOf('', 'local'),
    IPAM: object({
      Driver: oneOf('', 'default'),
      Config: refusedUnlessZero('fixed subnets can shadow host networks'),
      Options: refusedUnlessZero('IPAM options'),
    }),
    Options: refusedUnlessZero('driver options can attach to host bridges'),
    Ingress: refusedUnlessZero('swarm'),
    ConfigOnly: refusedUnlessZero('swarm'),
    ConfigFrom: refusedUnlessZero('swarm'),
  }, '') ?? {};
  if (typeof body.Name !== 'string' || !/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(body.Name)) throw malformed('Name is required and must be a plain name');
  // Lambda Dock's own networks (the instances' network above all) cannot be taken by name before it makes them.
  if (body.Name.toLowerCase().startsWith(RESERVED_NETWORK_PREFIX)) throw forbidden(`Name: network names starting with ${RESERVED_NETWORK_PREFIX} are reserved for Lambda Dock`);
  delete body.IPAM;
  body.Labels = { ...((body.Labels as JsonObject | undefined) ?? {}), ...extraLabels };
  return body;
}

/** POST /volumes/create: the local driver without options (its options are mount options, bind included). */
export function buildVolumeCreateBody(input: JsonObject, extraLabels: Record<string, string>): JsonObject {
  const body = buildObject(input, {
    Name: str,
    Driver: oneOf('', 'local'),
    DriverOpts: refusedUnlessZero('local driver options can bind host paths'),
    Labels: labels,
    ClusterVolumeSpec: refusedUnlessZero('swarm'),
  }, '') ?? {};
  if (body.Name !== undefined && body.Name !== '' && !/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(body.Name as string)) throw malformed('Name must be a plain volume name');
  if (body.Name === '') delete body.Name;
  body.Labels = { ...((body.Labels as JsonObject | undefined) ?? {}), ...extraLabels };
  return body;
}
