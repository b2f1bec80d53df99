import * as path from 'node:path';
import type { FunctionDefinition } from '../core/functions/definition';
import { FunctionHost } from '../core/runtime/functionHost';
import { discoverFunctions, type Problem } from '../core/workspace';
import { stringOption, type CommandContext } from './command';

export function formatProblem(problem: Problem, workspace: string): string {
  return `${path.relative(workspace, problem.file) || problem.file}:${problem.line}: ${problem.message}`;
}

/** Discovers the workspace's functions, reporting problems to the log unless quiet; the functions that loaded are returned. */
export async function discover(context: CommandContext, options: { quiet?: boolean } = {}): Promise<{ functions: FunctionDefinition[]; problems: Problem[] }> {
  const discovery = await discoverFunctions(context.workspace, { signal: context.signal });
  if (!options.quiet) for (const problem of discovery.problems) context.log.warn(formatProblem(problem, context.workspace));
  return discovery;
}

/**
 * Starts the engine for a command: the engine the environment selects, else local processes (not isolated)
 * unless `fallbackToProcess` is false (a command that is about the engine itself).
 */
export function startHost(context: CommandContext, options: { fallbackToProcess?: boolean } = {}): Promise<FunctionHost> {
  return FunctionHost.start({
    workspace: context.workspace,
    engine: { engine: stringOption(context, 'engine') },
    fallbackToProcess: options.fallbackToProcess ?? true,
    log: context.log,
  });
}
