export { DockerSocketSpawner, type DockerSocketSpawnerOptions, type SocketLogger } from './dockerSocketSpawner';
export { DEFAULT_SOCKET_LIMITS, type SocketLimits } from './limits';
export { SCOPE_LABELS, functionSocketToken, scopeIdOf, type ScopeResources } from './scopeRecord';
export { SOCKET_ERRORS } from './errors';
export { SOCKET_FILE } from './socketPath';
