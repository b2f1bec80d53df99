import type { FunctionDefinition } from '../functions/definition';
import { storeFolder, storeMerged } from './contentCache';
import { EsbuildBuilder } from './esbuildBuilder';
import { WORKSPACE_ERROR_CODES, workspaceError } from './errors';
import { patternFilter } from './globPatterns';

/** How long each step of packaging one function took, in milliseconds. */
export interface PackageTimings {
  buildMs?: number;
  codeMs: number;
  layersMs: number;
}

/**
 * A function ready for the engine: `definition` is the discovered one with codeDir pointing at the
 * content-addressed code, layers merged into one folder for /opt, and NODE_OPTIONS set for source maps.
 */
export interface PackagedFunction {
  definition: FunctionDefinition;
  /** Mounted read-only at /var/task; its name is its content hash. */
  codeDir?: string;
  /** The layers merged in attach order, mounted read-only at /opt; undefined without layers. */
  layersDir?: string;
  codeHash?: string;
  layersHash?: string;
  /** Files whose change calls for a rebuild (the bundle's inputs), besides the code and layer folders. */
  inputs: string[];
  /** False when the code's content was already in the cache (the build produced the same bytes). */
  codeChanged: boolean;
  incrementalBuild?: boolean;
  timings: PackageTimings;
}

/** Builds (esbuild, package patterns) and packages functions into the content-addressed cache. */
export class FunctionPackager {
  private readonly builder = new EsbuildBuilder();

  async package(definition: FunctionDefinition, signal?: AbortSignal): Promise<PackagedFunction> {
    const timings: PackageTimings = { codeMs: 0, layersMs: 0 };
    if (definition.image) return { definition, inputs: [], codeChanged: false, timings };
    if (!definition.codeDir) {
      throw workspaceError(WORKSPACE_ERROR_CODES.missingProperty, `${definition.name} has neither code nor an image; set CodeUri or an image`);
    }
    const environment = { ...definition.environment };
    let sourceDir = definition.codeDir;
    let filter: ((relativePath: string) => boolean) | undefined;
    let inputs: string[] = [];
    let incrementalBuild: boolean | undefined;
    if (definition.build?.esbuild) {
      const outcome = await this.builder.build(definition);
      timings.buildMs = outcome.durationMs;
      inputs = outcome.inputs;
      incrementalBuild = outcome.incremental;
      if (outcome.sourcemap && !/--enable-source-maps/.test(environment.NODE_OPTIONS ?? '')) {
        environment.NODE_OPTIONS = `${environment.NODE_OPTIONS ?? ''} --enable-source-maps`.trim();
      }
    } else if (definition.build?.patterns) {
      // Package patterns select files of the source folder; the selection goes straight into the cache.
      sourceDir = definition.build.sourceDir;
      filter = patternFilter(definition.build.patterns);
    }
    const code = await storeFolder(sourceDir, { ...(filter ? { filter } : {}), ...(signal ? { signal } : {}) });
    timings.codeMs = code.durationMs;
    let layersDir: string | undefined;
    let layersHash: string | undefined;
    if (definition.layers.length) {
      const layers = await storeMerged(definition.layers.map((layer) => layer.dir), signal ? { signal } : {});
      timings.layersMs = layers.durationMs;
      layersDir = layers.dir;
      layersHash = layers.hash;
    }
    const packaged: FunctionDefinition = {
      ...definition,
      codeDir: code.dir,
      environment,
      layers: layersDir ? [{ name: definition.layers.map((layer) => layer.name).join('+'), dir: layersDir }] : [],
    };
    return {
      definition: packaged,
      codeDir: code.dir,
      codeHash: code.hash,
      ...(layersDir ? { layersDir, layersHash } : {}),
      inputs,
      codeChanged: code.copied,
      ...(incrementalBuild !== undefined ? { incrementalBuild } : {}),
      timings,
    };
  }

  async forget(name: string): Promise<void> {
    await this.builder.forget(name);
  }

  async dispose(): Promise<void> {
    await this.builder.dispose();
  }
}

/**
 * Builds and packages definitions once (no kept build contexts): for one-shot commands such as invoke.
 * The returned definitions are what FunctionHost.deploy takes. A build failure rejects.
 */
export async function packageFunctions(definitions: readonly FunctionDefinition[], signal?: AbortSignal): Promise<FunctionDefinition[]> {
  const packager = new FunctionPackager();
  try {
    const packaged: FunctionDefinition[] = [];
    for (const definition of definitions) packaged.push((await packager.package(definition, signal)).definition);
    return packaged;
  } finally {
    await packager.dispose();
  }
}
