import * as path from 'node:path';
import type { FunctionDefinition } from '../../core/functions/definition';
import { functionRoots } from '../../core/workspace/functionRoots';
import { projectFileKind } from '../../core/workspace/projectFiles';

/** True for the files that define functions: a save of one means discovering the workspace again. */
export function isProjectFile(file: string): boolean {
  return projectFileKind(file) !== undefined;
}

/**
 * The functions a save of `file` affects: 'all' for a project file (definitions may have changed),
 * otherwise the functions whose roots or bundle inputs hold the file (none for a file outside every function).
 */
export function affectedFunctions(file: string, definitions: readonly FunctionDefinition[], inputs: ReadonlyMap<string, string[]> = new Map()): 'all' | string[] {
  const resolved = path.resolve(file);
  if (isProjectFile(resolved)) return 'all';
  // What the extension writes itself (saved events) is not code.
  if (resolved.split(path.sep).includes('.lambda-dock')) return [];
  return definitions
    .filter((definition) =>
      [...functionRoots(definition), ...(inputs.get(definition.name) ?? [])].map((root) => path.resolve(root)).some((root) => resolved === root || resolved.startsWith(root + path.sep)),
    )
    .map((definition) => definition.name);
}
