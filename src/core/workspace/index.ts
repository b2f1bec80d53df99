export { discoverFunctions, type DiscoveryOptions } from './discovery';
export type { Discovery, Problem } from './problem';
export { WORKSPACE_ERROR_CODES } from './errors';
export { FunctionPackager, packageFunctions, type PackagedFunction } from './packager';
export { WorkspaceDeployer, type WorkspaceDeployReport, type FunctionDeployResult, type DeployHost } from './workspaceDeployer';
