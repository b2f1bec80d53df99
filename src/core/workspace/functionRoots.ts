import type { FunctionDefinition } from '../functions/definition';

/**
 * The folders whose files make a function, as its definition names them: its sources (or its code),
 * its image's build context, its layers. A change under one means the function must be rebuilt.
 */
export function functionRoots(definition: FunctionDefinition): string[] {
  const roots: string[] = [];
  if (definition.build) roots.push(definition.build.sourceDir);
  else if (definition.codeDir) roots.push(definition.codeDir);
  if (definition.image?.build) roots.push(definition.image.build.context);
  for (const layer of definition.layers) roots.push(layer.dir);
  return roots;
}
