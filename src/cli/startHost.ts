import * as path from 'node:path';
import type { FunctionDefinition } from '../core/functions/definition';
import { FunctionHost } from '../core/runtime/functionHost';
import { discoverFunctions, type DiscoveryOptions, type Problem } from '../core/workspace';
import { readEnvVarsFile } from '../core/workspace/envVarsFile';
import { parseParameterOverrides } from '../core/workspace/parameterOverrides';
import { CLI_ERRORS, cliError } from './errors';
import { stringOption, type CommandContext } from './command';

export function formatProblem(problem: Problem, workspace: string): string {
  return `${path.relative(workspace, problem.file) || problem.file}:${problem.line}: ${problem.message}`;
}

/** What every command that reads the workspace takes: as `sam local` takes them. */
export const DISCOVERY_OPTIONS = {
  'parameter-overrides': { type: 'string' },
  'env-vars': { type: 'string' },
  stage: { type: 'string' },
} as const;

export const DISCOVERY_USAGE = '[--parameter-overrides "K=V K2=V2"] [--env-vars env.json] [--stage STAGE]';

/** What every command that runs functions takes: how many standby sandboxes to keep per runtime image. */
export const STANDBY_OPTIONS = { standby: { type: 'string' } } as const;
export const STANDBY_USAGE = '[--standby N]';
export const DEFAULT_STANDBY_INSTANCES = 2;

/** --standby N: a whole number, 0 for none; checked before anything starts. */
export function standbyOption(context: CommandContext): number {
  const value = stringOption(context, 'standby');
  if (value === undefined) return DEFAULT_STANDBY_INSTANCES;
  if (!/^\d+$/.test(value.trim())) throw cliError(CLI_ERRORS.usage, `--standby ${value}: give the number of standby containers to keep per runtime image (0 for none).`);
  return Number(value.trim());
}

/**
 * The discovery options the command line gives, checked before anything starts: a bad --env-vars file or
 * --parameter-overrides value is one message, and nothing runs.
 */
export function discoveryOptions(context: CommandContext): DiscoveryOptions {
  const overrides = stringOption(context, 'parameter-overrides');
  const envVars = stringOption(context, 'env-vars');
  const stage = stringOption(context, 'stage');
  const envVarsFile = envVars === undefined ? undefined : path.resolve(envVars);
  if (envVarsFile) readEnvVarsFile(envVarsFile);
  return {
    ...(overrides ? { parameterOverrides: parseParameterOverrides(overrides) } : {}),
    ...(envVarsFile ? { envVarsFile } : {}),
    ...(stage ? { stage } : {}),
  };
}

/** Discovers the workspace's functions, reporting problems to the log unless quiet; the functions that loaded are returned. */
export async function discover(context: CommandContext, options: { quiet?: boolean } = {}): Promise<{ functions: FunctionDefinition[]; problems: Problem[] }> {
  const discovery = await discoverFunctions(context.workspace, { ...discoveryOptions(context), signal: context.signal });
  if (!options.quiet) for (const problem of discovery.problems) context.log.warn(formatProblem(problem, context.workspace));
  return discovery;
}

/**
 * Starts the engine for a command: the engine the environment selects, else local processes (not isolated)
 * unless `fallbackToProcess` is false (a command that is about the engine itself).
 */
export function startHost(context: CommandContext, options: { fallbackToProcess?: boolean; runsFunctions?: boolean } = {}): Promise<FunctionHost> {
  return FunctionHost.start({
    workspace: context.workspace,
    engine: { engine: stringOption(context, 'engine') },
    officialImageClient: context.values['aws-runtime-client'] === true ? 'aws' : 'lambda-dock',
    fallbackToProcess: options.fallbackToProcess ?? true,
    ...(context.values.standby !== undefined || options.runsFunctions ? { standbyInstances: standbyOption(context) } : {}),
    log: context.log,
  });
}
