import { errorMessage } from '../../core/errors';
import { WORKSPACE_ERROR_CODES, workspaceError } from '../../core/workspace/errors';
import type { FunctionDefinition } from '../../core/functions/definition';
import type { Logger } from '../../core/log';
import type { Packager } from './deployService';

/**
 * core/workspace's FunctionPackager, loaded on first use: it loads esbuild, which an installed extension
 * may not have. Without it, functions that need no build still deploy and built ones say what is missing.
 */
export function lazyPackager(log: Logger): Packager {
  let loading: Promise<Packager> | undefined;
  const load = (): Promise<Packager> => {
    loading ??= import('../../core/workspace/packager.js').then(
      ({ FunctionPackager }) => new FunctionPackager(),
      (error: unknown) => {
        log.warn(`[deploy] esbuild could not be loaded (${errorMessage(error)}): functions that need a build cannot be deployed`);
        return withoutBuilds(errorMessage(error));
      },
    );
    return loading;
  };
  return {
    package: async (definition) => (await load()).package(definition),
    forget: async (name) => (await load()).forget?.(name),
    dispose: async () => {
      if (loading) await (await loading).dispose();
    },
  };
}

function withoutBuilds(reason: string): Packager {
  return {
    async package(definition: FunctionDefinition) {
      if (definition.build) {
        throw workspaceError(WORKSPACE_ERROR_CODES.buildFailed, `${definition.name} needs a build with esbuild, which this installation cannot load (${reason}): install esbuild beside the extension or build the function yourself`);
      }
      return { definition, inputs: [] };
    },
    dispose: async () => undefined,
  };
}
