export { discoverFunctions, type DiscoveryOptions } from './discovery';
export type { Discovery, Problem } from './problem';
export { WORKSPACE_ERROR_CODES } from './errors';
