import * as path from 'node:path';
import type { FunctionDefinition, LayerDefinition } from '../functions/definition';
import { storeFolder, storeMerged, type LinkNote, type MergeSource, type StoredContent } from '../contentCache';
import { EsbuildBuilder } from './esbuildBuilder';
import { WORKSPACE_ERROR_CODES, workspaceError } from './errors';
import { patternFilter } from './globPatterns';
import { isNodeRuntime } from './handlerFile';
import { installDependencies, missingDependencies } from './npmDependencies';
import { installRequirements } from './pipInstaller';

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
  /** What the user should know that did not stop the packaging: links left out (dangling, or a loop). */
  warnings: string[];
  /** False when the code's content was already in the cache (the build produced the same bytes). */
  codeChanged: boolean;
  incrementalBuild?: boolean;
  timings: PackageTimings;
}

/** Builds (esbuild, package patterns, pip requirements) and packages functions into the content-addressed cache. */
export class FunctionPackager {
  private readonly builder = new EsbuildBuilder();

  async package(definition: FunctionDefinition, signal?: AbortSignal): Promise<PackagedFunction> {
    const timings: PackageTimings = { codeMs: 0, layersMs: 0 };
    if (definition.image) return { definition, inputs: [], warnings: [], codeChanged: false, timings };
    if (!definition.codeDir) {
      throw workspaceError(WORKSPACE_ERROR_CODES.missingProperty, `${definition.name} has neither code nor an image; set CodeUri or an image`);
    }
    const environment = { ...definition.environment };
    let sourceDir = definition.codeDir;
    let filter: ((relativePath: string) => boolean) | undefined;
    let inputs: string[] = [];
    let incrementalBuild: boolean | undefined;
    const node = isNodeRuntime(definition.runtime ?? '');
    if (definition.build?.esbuild) {
      // The bundle needs the dependencies too: missing ones are installed first and esbuild finds them there.
      const missing = node ? missingDependencies(definition.build.sourceDir) : [];
      const installed = missing.length ? await installDependencies(definition.build.sourceDir, { owner: definition.name, missing, ...(signal ? { signal } : {}) }) : undefined;
      const outcome = await this.builder.build(definition, installed ? [path.join(installed.dir, 'node_modules')] : []);
      timings.buildMs = outcome.durationMs + (installed?.durationMs ?? 0);
      inputs = outcome.inputs;
      incrementalBuild = outcome.incremental;
      if (outcome.sourcemap && outcome.sourcemap !== 'external' && !/--enable-source-maps/.test(environment.NODE_OPTIONS ?? '')) {
        environment.NODE_OPTIONS = `${environment.NODE_OPTIONS ?? ''} --enable-source-maps`.trim();
      }
    } else if (definition.build?.patterns) {
      // Package patterns select files of the source folder; the selection goes straight into the cache.
      sourceDir = definition.build.sourceDir;
      filter = patternFilter(definition.build.patterns);
    }
    const storeOptions = { ...(signal ? { signal } : {}) };
    let code: StoredContent;
    const missing = node && !definition.build?.esbuild ? missingDependencies(sourceDir) : [];
    if (definition.build?.pipRequirements) {
      sourceDir = definition.build.sourceDir;
      const installed = await installRequirements(definition.name, definition.build.pipRequirements, signal);
      timings.buildMs = installed.durationMs;
      // The packages go in first and the function's own files over them, as `sam build` lays its output out.
      code = await storeMerged([{ dir: installed.dir }, { dir: sourceDir, ...(filter ? { filter } : {}) }], storeOptions);
    } else if (missing.length) {
      // As sam build: the production dependencies installed apart, the source's own node_modules not used.
      const installed = await installDependencies(sourceDir, { owner: definition.name, missing, ...(signal ? { signal } : {}) });
      timings.buildMs = installed.durationMs;
      code = await storeMerged([
        { dir: installed.dir, filter: (p) => p.startsWith('node_modules/') },
        { dir: sourceDir, filter: (p) => !p.startsWith('node_modules/') && (filter?.(p) ?? true) },
      ], storeOptions);
    } else {
      code = await storeFolder(sourceDir, { ...storeOptions, ...(filter ? { filter } : {}), ...(node && !definition.build?.esbuild ? { hoistedDependencies: true } : {}) });
    }
    // A change under a linked folder (a file: dependency, a workspace package) changes the code.
    inputs.push(...(code.linkedFolders ?? []));
    const warnings = (code.linkNotes ?? []).map((note) => linkWarning(definition.name, note));
    timings.codeMs = code.durationMs;
    let layersDir: string | undefined;
    let layersHash: string | undefined;
    let layerSources: MergeSource[] = [];
    if (definition.layers.length) {
      layerSources = (await Promise.all(definition.layers.map((layer) => this.layerSources(layer, signal)))).flat();
      const layers = await storeMerged(layerSources, storeOptions);
      timings.layersMs = layers.durationMs;
      layersDir = layers.dir;
      layersHash = layers.hash;
      inputs.push(...(layers.linkedFolders ?? []));
      warnings.push(...(layers.linkNotes ?? []).map((note) => linkWarning(`${definition.name}'s layers`, note)));
    }
    const packaged: FunctionDefinition = {
      ...definition,
      codeDir: code.dir,
      codeSourceDir: definition.build?.esbuild ? code.dir : sourceDir,
      environment,
      layers: layersDir ? [{
        name: definition.layers.map((layer) => layer.name).join('+'),
        dir: layersDir,
        sources: layerSources.map((source) => ({ dir: source.dir, ...(source.prefix ? { prefix: source.prefix } : {}) })),
      }] : [],
    };
    return {
      definition: packaged,
      codeDir: code.dir,
      codeHash: code.hash,
      ...(layersDir ? { layersDir, layersHash } : {}),
      inputs,
      warnings,
      codeChanged: code.copied,
      ...(incrementalBuild !== undefined ? { incrementalBuild } : {}),
      timings,
    };
  }

  /**
   * What a layer puts under /opt. A layer built as SAM's BuildMethod nodejsNN.x has its folder, with its
   * production dependencies installed, at nodejs/ (so its packages are in /opt/nodejs/node_modules); one built
   * as python3.N has its folder and its requirements at python/ (on sys.path).
   */
  private async layerSources(layer: LayerDefinition, signal?: AbortSignal): Promise<MergeSource[]> {
    if (layer.pipBuild) {
      // As sam build lays a Python layer out: the packages under python/, the layer's own files over them.
      const installed = layer.pipBuild.requirements ? await installRequirements(`layer ${layer.name}`, layer.pipBuild.requirements, signal) : undefined;
      return [...(installed ? [{ dir: installed.dir, prefix: 'python' }] : []), { dir: layer.dir, prefix: 'python' }];
    }
    if (!layer.npmBuild) return [{ dir: layer.dir }];
    const missing = missingDependencies(layer.dir);
    const installed = missing.length ? await installDependencies(layer.dir, { owner: `layer ${layer.name}`, missing, ...(signal ? { signal } : {}) }) : undefined;
    return [
      ...(installed ? [{ dir: installed.dir, prefix: 'nodejs', filter: (p: string) => p.startsWith('node_modules/') }] : []),
      { dir: layer.dir, prefix: 'nodejs', ...(installed ? { filter: (p: string) => !p.startsWith('node_modules/') } : { hoistedDependencies: true }) },
    ];
  }

  async forget(name: string): Promise<void> {
    await this.builder.forget(name);
  }

  async dispose(): Promise<void> {
    await this.builder.dispose();
  }
}

/** A link left out of a function's code, said so that a missing module at run time is not a mystery. */
function linkWarning(owner: string, note: LinkNote): string {
  return note.reason === 'dangling'
    ? `${owner}: ${note.relativePath} is a link to ${note.target}, which does not exist; it is left out of the code (reinstall, or fix the link)`
    : `${owner}: ${note.relativePath} is a link to ${note.target}, a folder that holds the code itself; it is left out of the code (a loop)`;
}

/**
 * Builds and packages definitions once (no kept build contexts): for one-shot commands such as invoke.
 * The returned definitions are what FunctionHost.deploy takes. A build failure rejects.
 */
export async function packageFunctions(definitions: readonly FunctionDefinition[], signal?: AbortSignal, warn?: (message: string) => void): Promise<FunctionDefinition[]> {
  const packager = new FunctionPackager();
  try {
    const packaged: FunctionDefinition[] = [];
    for (const definition of definitions) {
      const result = await packager.package(definition, signal);
      for (const warning of result.warnings) warn?.(warning);
      packaged.push(result.definition);
    }
    return packaged;
  } finally {
    await packager.dispose();
  }
}
