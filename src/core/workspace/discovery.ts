import * as path from 'node:path';
import { errorMessage } from '../errors';
import { applyEnvVars, readEnvVarsFile, type EnvVarsOverrides } from './envVarsFile';
import { WORKSPACE_ERROR_CODES } from './errors';
import { discoverLambdaDockJson } from './lambdaDockJson';
import type { Discovery, FileDiscovery } from './problem';
import { findProjectFiles, type ProjectFile } from './projectFiles';
import { discoverSamTemplate, type SamOptions } from './samTemplate';
import { dropCollidingRoutes } from './routeCollisions';
import { discoverServerlessYml } from './serverlessYml';

export type { Discovery, Problem } from './problem';

export interface DiscoveryOptions {
  signal?: AbortSignal;
  /** SAM template parameter values that win over their defaults. */
  parameterOverrides?: Record<string, string>;
  /** serverless.yml's stage (default: provider.stage, else dev). */
  stage?: string;
  /** SAM's --env-vars file: read at each discovery, so an edit to it applies at the next redeploy. */
  envVarsFile?: string;
}

/**
 * Every function the workspace defines, in SAM templates, serverless.yml files and lambda-dock.json files
 * at its root and in subfolders, and the problems found on the way. A problem in one file or function never
 * keeps the others from loading.
 */
export async function discoverFunctions(workspaceDir: string, options: DiscoveryOptions = {}): Promise<Discovery> {
  const files = await findProjectFiles(workspaceDir, options.signal);
  const results = await Promise.all(files.map((file) => discoverFile(file, options)));
  const discovery = mergeDiscoveries(results);
  if (options.envVarsFile) withEnvVars(discovery, options.envVarsFile);
  return discovery;
}

/** Overrides the functions' declared variables from the env-vars file; a bad file is a problem, not a failure. */
function withEnvVars(discovery: Discovery, file: string): void {
  let overrides: EnvVarsOverrides;
  try {
    overrides = readEnvVarsFile(file);
  } catch (error) {
    discovery.problems.push({ file, line: 1, code: WORKSPACE_ERROR_CODES.invalidEnvVars, message: errorMessage(error) });
    return;
  }
  discovery.functions = discovery.functions.map((definition) => applyEnvVars(definition, overrides));
}

/** Reads one project file; a file that cannot be read becomes a problem. */
export async function discoverFile(project: ProjectFile, options: DiscoveryOptions = {}): Promise<FileDiscovery> {
  options.signal?.throwIfAborted();
  try {
    switch (project.kind) {
      case 'sam': return withSamConfig(project, await discoverSamTemplate(project.file, samOptions(project, options)));
      case 'serverless': return await discoverServerlessYml(project.file, options.stage ? { stage: options.stage } : {});
      case 'lambda-dock': return await discoverLambdaDockJson(project.file);
    }
  } catch (error) {
    return {
      file: project.file,
      functions: [],
      problems: [{ file: project.file, line: 1, code: WORKSPACE_ERROR_CODES.parseError, message: `${path.basename(project.file)} could not be read: ${errorMessage(error)}` }],
    };
  }
}

/** samconfig's parameter_overrides under the command line's, and its region. */
function samOptions(project: ProjectFile, options: DiscoveryOptions): SamOptions {
  const config = project.samConfig;
  const parameterOverrides = { ...config?.parameterOverrides, ...options.parameterOverrides };
  return { ...(Object.keys(parameterOverrides).length ? { parameterOverrides } : {}), ...(config?.region ? { region: config.region } : {}) };
}

/** A samconfig is a file the definitions were read from (a save rediscovers); what it got wrong is a problem. */
function withSamConfig(project: ProjectFile, discovery: FileDiscovery): FileDiscovery {
  const config = project.samConfig;
  if (!config) return discovery;
  return {
    ...discovery,
    definitionFiles: [...(discovery.definitionFiles ?? []), config.file],
    problems: config.problem ? [...discovery.problems, { file: config.file, line: 1, code: WORKSPACE_ERROR_CODES.invalidValue, message: config.problem }] : discovery.problems,
  };
}

/** Joins per-file results; a name defined twice keeps its first definition and reports the second. */
export function mergeDiscoveries(results: FileDiscovery[]): Discovery {
  const discovery: Discovery = { functions: [], problems: [] };
  const byName = new Map<string, string>();
  for (const result of results) {
    // Two templates may share a samconfig: its file and its problem count once.
    for (const problem of result.problems) {
      if (!discovery.problems.some((p) => p.file === problem.file && p.line === problem.line && p.message === problem.message)) discovery.problems.push(problem);
    }
    if (result.definitionFiles?.length) discovery.definitionFiles = [...new Set([...(discovery.definitionFiles ?? []), ...result.definitionFiles])];
    for (const fn of result.functions) {
      const first = byName.get(fn.name);
      if (first !== undefined) {
        discovery.problems.push({
          file: fn.source.file,
          line: fn.source.line,
          code: WORKSPACE_ERROR_CODES.duplicateFunction,
          message: `function ${fn.name} is already defined in ${first}; this one is ignored: rename one of them`,
        });
        continue;
      }
      byName.set(fn.name, `${fn.source.file}:${fn.source.line}`);
      discovery.functions.push(fn);
    }
  }
  dropCollidingRoutes(discovery.functions, discovery.problems);
  return discovery;
}
