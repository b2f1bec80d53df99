import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { Plugin } from 'esbuild';
import { WORKSPACE_ERROR_CODES, workspaceError } from './errors';

type TypeScript = typeof import('typescript');

/**
 * esbuild cannot emit decorator metadata (`design:paramtypes`), which dependency injection reads (NestJS,
 * TypeORM, inversify): with esbuild alone, constructor parameters are injected as undefined. A project whose
 * tsconfig.json sets emitDecoratorMetadata builds with tsc on Lambda (serverless-plugin-typescript, tsc then
 * sam build), so its .ts files are compiled here by the project's own TypeScript, one file at a time, and
 * esbuild bundles the output (their source maps chained, so lines still point at the .ts).
 *
 * Undefined when the nearest tsconfig.json does not ask for it. Throws when it does and the project has no
 * typescript to compile with.
 */
export function decoratorMetadataPlugin(sourceDir: string, nodePaths: readonly string[]): Plugin | undefined {
  const tsconfig = nearestTsconfig(sourceDir);
  if (!tsconfig || !/"emitDecoratorMetadata"\s*:\s*true/.test(fs.readFileSync(tsconfig, 'utf8'))) return undefined;
  const ts = projectTypeScript(sourceDir, nodePaths);
  if (!ts) {
    throw workspaceError(
      WORKSPACE_ERROR_CODES.buildFailed,
      `${tsconfig} sets emitDecoratorMetadata, which esbuild cannot emit; add typescript to the project's dependencies (npm install -D typescript) so its .ts files are compiled with it`,
    );
  }
  const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(tsconfig, ts.sys.readFile).config, ts.sys, path.dirname(tsconfig));
  const compilerOptions = {
    ...parsed.options,
    // esbuild bundles the output: ES modules (so it sees imports), the source map inline for it to chain.
    module: ts.ModuleKind.ESNext,
    target: ts.ScriptTarget.ES2022,
    sourceMap: false,
    inlineSourceMap: true,
    inlineSources: true,
    declaration: false,
    noEmit: false,
  };
  return {
    name: 'lambda-dock-decorator-metadata',
    setup(build) {
      build.onLoad({ filter: /\.[cm]?tsx?$/ }, async (args) => {
        if (args.path.endsWith('.d.ts') || args.path.split(path.sep).includes('node_modules')) return undefined;
        const source = await fs.promises.readFile(args.path, 'utf8');
        const output = ts.transpileModule(source, { compilerOptions, fileName: args.path });
        return { contents: output.outputText, loader: 'js', resolveDir: path.dirname(args.path) };
      });
    },
  };
}

function nearestTsconfig(dir: string): string | undefined {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const candidate = path.join(current, 'tsconfig.json');
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(current) === current) return undefined;
  }
}

function projectTypeScript(sourceDir: string, nodePaths: readonly string[]): TypeScript | undefined {
  for (const from of [sourceDir, ...nodePaths]) {
    try {
      const projectRequire = createRequire(path.join(from, 'package.json'));
      // The project's TypeScript, loaded as its plugin would load it.
      return projectRequire(projectRequire.resolve('typescript', { paths: [from] })) as TypeScript;
    } catch {
      // Not installed there: the next place.
    }
  }
  return undefined;
}
