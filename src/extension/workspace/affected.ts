import * as path from 'node:path';
import type { FunctionDefinition } from '../../core/functions/definition';

const PROJECT_FILE = /(^|[\\/])(template\.ya?ml|serverless\.ya?ml|lambda-dock\.json)$/;

/** True for the files that define functions: a save of one means discovering the workspace again. */
export function isProjectFile(file: string): boolean {
  return PROJECT_FILE.test(file);
}

/** The folders whose files make a function: its sources, its code, its image context, its layers. */
export function functionRoots(definition: FunctionDefinition): string[] {
  const roots: string[] = [];
  if (definition.build) roots.push(definition.build.sourceDir);
  else if (definition.codeDir) roots.push(definition.codeDir);
  if (definition.image?.build) roots.push(definition.image.build.context);
  for (const layer of definition.layers) roots.push(layer.dir);
  return roots.map((root) => path.resolve(root));
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
      [...functionRoots(definition), ...(inputs.get(definition.name) ?? []).map((f) => path.resolve(f))].some((root) => resolved === root || resolved.startsWith(root + path.sep)),
    )
    .map((definition) => definition.name);
}
