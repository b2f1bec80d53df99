import * as fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { esbuildSourcemap, withLambdaDefaults, type EsbuildOptions, type FunctionDefinition, type ImageDefinition, type LayerDefinition } from '../functions/definition';
import { errorMessage } from '../errors';
import { WORKSPACE_ERROR_CODES } from './errors';
import { resolveCode, resolveLayerDir } from './functionCode';
import type { FileDiscovery, Problem } from './problem';
import { isObj, ProjectFileReader, type Obj } from './projectFileReader';
import { parseYaml, type YamlSource } from './yamlSource';

/**
 * lambda-dock.json, for a project with neither a SAM template nor serverless.yml:
 *
 *   {
 *     "defaults": { "runtime": "nodejs20.x", "memorySize": 256, "environment": { "STAGE": "local" } },
 *     "layers": { "shared": "layers/shared" },
 *     "functions": [
 *       { "name": "hello", "handler": "index.handler", "codeUri": "hello", "timeout": 10,
 *         "environment": { "GREETING": "hi" }, "layers": ["shared"], "dockerSocket": false },
 *       { "name": "api", "handler": "src/api.handler", "codeUri": ".", "build": { "esbuild": { "minify": true } } },
 *       { "name": "img", "image": { "dockerfile": "Dockerfile", "context": "img", "tag": "img:dev" } }
 *     ]
 *   }
 *
 * "functions" may also be an object keyed by name. Paths are relative to the file's folder.
 */
export const LAMBDA_DOCK_JSON_KEYS = {
  function: ['name', 'handler', 'runtime', 'codeUri', 'memorySize', 'timeout', 'environment', 'layers', 'dockerSocket', 'image', 'architecture', 'ephemeralStorage', 'reservedConcurrency', 'build'],
  defaults: ['runtime', 'memorySize', 'timeout', 'environment', 'architecture', 'layers'],
};

export async function discoverLambdaDockJson(file: string): Promise<FileDiscovery> {
  const problems: Problem[] = [];
  const text = await fs.readFile(file, 'utf8');
  try {
    JSON.parse(text);
  } catch (error) {
    problems.push({ file, line: jsonErrorLine(text, error), code: WORKSPACE_ERROR_CODES.parseError, message: `lambda-dock.json is not valid JSON: ${errorMessage(error)}; fix the JSON` });
    return { file, functions: [], problems };
  }
  const source = parseYaml(text);
  const config = source.value;
  if (!isObj(config)) {
    problems.push({ file, line: 1, code: WORKSPACE_ERROR_CODES.invalidValue, message: 'lambda-dock.json must be an object with "functions"' });
    return { file, functions: [], problems };
  }
  return new LambdaDockConfig(file, config, source, problems).discover();
}

class LambdaDockConfig extends ProjectFileReader {
  private readonly defaults: Obj;

  constructor(file: string, private readonly config: Obj, source: YamlSource, problems: Problem[]) {
    super(file, source, problems);
    this.defaults = isObj(config.defaults) ? config.defaults : {};
  }

  discover(): FileDiscovery {
    const functions: FunctionDefinition[] = [];
    const entries: [string | number, Obj][] = Array.isArray(this.config.functions)
      ? this.config.functions.map((fn, i) => [i, isObj(fn) ? fn : {}] as [number, Obj])
      : isObj(this.config.functions) ? Object.entries(this.config.functions).map(([k, fn]) => [k, isObj(fn) ? { name: k, ...fn } : { name: k }]) : [];
    if (!entries.length) this.problem([], WORKSPACE_ERROR_CODES.missingProperty, 'lambda-dock.json has no "functions"; add a list of functions with name, handler, runtime and codeUri');
    for (const [key, fn] of entries) {
      try {
        const definition = this.function(['functions', key], fn);
        if (definition) functions.push(definition);
      } catch (error) {
        this.problem(['functions', key], WORKSPACE_ERROR_CODES.invalidValue, `${String(fn.name ?? key)}: ${errorMessage(error)}`, String(fn.name ?? key));
      }
    }
    return { file: this.file, functions, problems: this.problems };
  }

  private function(at: (string | number)[], fn: Obj): FunctionDefinition | undefined {
    if (typeof fn.name !== 'string' || !fn.name) {
      this.problem(at, WORKSPACE_ERROR_CODES.missingProperty, 'a function has no "name"; give each function a name');
      return undefined;
    }
    const name = fn.name;
    for (const key of Object.keys(fn)) {
      if (!LAMBDA_DOCK_JSON_KEYS.function.includes(key)) this.problem([...at, key], WORKSPACE_ERROR_CODES.unsupported, `${name}: "${key}" is not a lambda-dock.json function setting (known: ${LAMBDA_DOCK_JSON_KEYS.function.join(', ')}); it is ignored`, name);
    }
    const pick = (key: string): unknown => fn[key] ?? this.defaults[key];
    const definition = withLambdaDefaults({ name, source: { file: this.file, line: this.source.lineOf(at) } });
    definition.memorySizeMB = this.number(pick('memorySize'), [...at, 'memorySize'], name, 'memorySize') ?? definition.memorySizeMB;
    definition.timeoutSeconds = this.number(pick('timeout'), [...at, 'timeout'], name, 'timeout') ?? definition.timeoutSeconds;
    definition.ephemeralStorageMB = this.number(fn.ephemeralStorage, [...at, 'ephemeralStorage'], name, 'ephemeralStorage') ?? definition.ephemeralStorageMB;
    const reserved = this.number(fn.reservedConcurrency, [...at, 'reservedConcurrency'], name, 'reservedConcurrency');
    if (reserved !== undefined) definition.reservedConcurrency = reserved;
    const architecture = pick('architecture');
    if (architecture === 'arm64' || architecture === 'x86_64') definition.architecture = architecture;
    definition.environment = { ...stringMap(this.defaults.environment), ...stringMap(fn.environment) };
    definition.layers = this.layers(name, pick('layers'), [...at, 'layers']);
    definition.dockerSocket = fn.dockerSocket === true;

    if (fn.image !== undefined) {
      const image = this.image(name, fn.image, [...at, 'image']);
      if (!image) return undefined;
      definition.image = image;
      return definition;
    }
    const runtime = pick('runtime');
    if (typeof fn.handler !== 'string' || typeof runtime !== 'string') {
      this.problem(at, WORKSPACE_ERROR_CODES.missingProperty, `${name}: "handler" and "runtime" are required for a function without "image"`, name);
      return undefined;
    }
    definition.handler = fn.handler;
    definition.runtime = runtime;
    const build = isObj(fn.build) ? fn.build : {};
    const esbuild = build.esbuild === true ? {} : isObj(build.esbuild) ? esbuildOptions(build.esbuild) : undefined;
    const resolved = resolveCode({
      functionName: name,
      file: this.file,
      line: this.source.lineOf(fn.codeUri !== undefined ? [...at, 'codeUri'] : [...at, 'handler']),
      runtime,
      handler: fn.handler,
      location: path.resolve(this.dir, typeof fn.codeUri === 'string' ? fn.codeUri : '.'),
      ...(esbuild ? { esbuild } : {}),
    }, this.problems);
    if (!resolved) return undefined;
    definition.codeDir = resolved.codeDir;
    if (resolved.build) definition.build = resolved.build;
    return definition;
  }

  private layers(name: string, value: unknown, at: (string | number)[]): LayerDefinition[] {
    if (!Array.isArray(value)) return [];
    const declared = isObj(this.config.layers) ? this.config.layers : {};
    const layers: LayerDefinition[] = [];
    value.forEach((ref, index) => {
      const spec = typeof ref === 'string' && ref in declared ? declared[ref] : ref;
      const layerPath = typeof spec === 'string' ? spec : isObj(spec) && typeof spec.path === 'string' ? spec.path : undefined;
      const location = layerPath !== undefined ? path.resolve(this.dir, layerPath) : undefined;
      if (!location || !existsSync(location)) {
        this.problem([...at, index], WORKSPACE_ERROR_CODES.pathNotFound, `${name}: layer ${JSON.stringify(ref)} ${location ? `(${location}) does not exist` : 'is not in "layers"'}; declare it under "layers" with a local folder or zip`, name);
        return;
      }
      layers.push({ name: typeof ref === 'string' ? ref : path.basename(location), dir: resolveLayerDir(location) });
    });
    return layers;
  }

  private image(name: string, value: unknown, at: (string | number)[]): ImageDefinition | undefined {
    if (typeof value === 'string') return { uri: value };
    if (!isObj(value)) {
      this.problem(at, WORKSPACE_ERROR_CODES.invalidValue, `${name}: "image" must be an image URI or { "dockerfile", "context", "tag" }`, name);
      return undefined;
    }
    let image: ImageDefinition;
    if (typeof value.dockerfile === 'string' || typeof value.context === 'string') {
      const context = path.resolve(this.dir, typeof value.context === 'string' ? value.context : '.');
      const dockerfile = typeof value.dockerfile === 'string' ? value.dockerfile : 'Dockerfile';
      if (!existsSync(path.join(context, dockerfile))) {
        this.problem(at, WORKSPACE_ERROR_CODES.pathNotFound, `${name}: ${path.join(context, dockerfile)} does not exist; fix "dockerfile" or "context"`, name);
        return undefined;
      }
      const tag = typeof value.tag === 'string' ? value.tag : `${name.toLowerCase()}:latest`;
      image = { uri: tag, build: { dockerfile, context, tag } };
    } else if (typeof value.uri === 'string') {
      image = { uri: value.uri };
    } else {
      this.problem(at, WORKSPACE_ERROR_CODES.missingProperty, `${name}: "image" needs "uri", or "dockerfile" and "context" to build it`, name);
      return undefined;
    }
    if (Array.isArray(value.command)) image.command = value.command.map(String);
    if (Array.isArray(value.entryPoint)) image.entryPoint = value.entryPoint.map(String);
    if (typeof value.workingDirectory === 'string') image.workingDirectory = value.workingDirectory;
    return image;
  }

  /** Stricter than positiveNumber: JSON has numbers, so a string is a mistake; the key is named as JSON quotes it. */
  private number(value: unknown, at: (string | number)[], name: string, key: string): number | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      this.problem(at, WORKSPACE_ERROR_CODES.invalidValue, `${name}: "${key}" must be a positive number, not ${JSON.stringify(value)}; Lambda's default is used`, name);
      return undefined;
    }
    return value;
  }
}

function stringMap(value: unknown): Record<string, string> {
  return isObj(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)])) : {};
}

/** The line of a JSON.parse error, from the position Node's message names. */
function jsonErrorLine(text: string, error: unknown): number {
  const message = errorMessage(error);
  const line = /line (\d+)/.exec(message);
  if (line) return Number(line[1]);
  const position = /position (\d+)/.exec(message);
  return position ? text.slice(0, Number(position[1])).split('\n').length : 1;
}

/** The esbuild options lambda-dock.json gives, its source map setting read as esbuild reads it. */
function esbuildOptions(given: Record<string, unknown>): Partial<EsbuildOptions> {
  const { sourcemap, ...rest } = given as Partial<EsbuildOptions> & { sourcemap?: unknown };
  const kind = esbuildSourcemap(sourcemap);
  return { ...rest, ...(kind !== undefined ? { sourcemap: kind } : {}) };
}
