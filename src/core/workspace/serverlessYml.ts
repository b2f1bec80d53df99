import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { esbuildSourcemap, withLambdaDefaults, type EsbuildOptions, type FunctionDefinition, type ImageDefinition, type LayerDefinition } from '../functions/definition';
import { parseLoggingConfig, SERVERLESS_LOGGING_KEYS } from '../functions/logging';
import { errorMessage } from '../errors';
import { WORKSPACE_ERROR_CODES } from './errors';
import { resolveCode, resolveLayerDir } from './functionCode';
import { BUILDABLE_EXTENSIONS, findHandlerFile } from './handlerFile';
import type { FileDiscovery, Problem } from './problem';
import { isObj, ProjectFileReader, type Obj } from './projectFileReader';
import { ServerlessRoutes } from './serverlessRoutes';
import { ServerlessVariables } from './serverlessVariables';
import { readYamlFile, type YamlSource } from './yamlSource';

/** Files serverless leaves out of every package. */
const DEFAULT_EXCLUDES = ['!.git/**', '!.serverless/**', '!.lambda-dock/**', '!serverless.yml', '!serverless.yaml', '!.gitignore', '!.DS_Store', '!npm-debug.log'];
const ESBUILD_PLUGINS = new Set(['serverless-esbuild', 'serverless-plugin-typescript', 'serverless-bundle']);

export interface ServerlessOptions {
  stage?: string;
}

/** Reads a serverless.yml: its functions and layers, as serverless would deploy them. */
export async function discoverServerlessYml(file: string, options: ServerlessOptions = {}): Promise<FileDiscovery> {
  const { source, problems } = await readYamlFile(file);
  if (!source) return { file, functions: [], problems };
  if (!isObj(source.value)) return { file, functions: [], problems };
  return new ServerlessService(file, source.value, source, options, problems).discover();
}

class ServerlessService extends ProjectFileReader {
  private readonly provider: Obj;
  private readonly stage: string;
  private readonly layerCache = new Map<string, LayerDefinition | undefined>();
  private readonly variableResolver: ServerlessVariables;
  /** The provider with its variables resolved: once, so an unresolvable one is reported once, not per function. */
  private resolvedProvider: Obj | undefined;
  /** null: the file names no service (or one only the deployed stack knows). */
  private serviceNameValue: string | null | undefined;

  constructor(
    file: string,
    private readonly service: Obj,
    source: YamlSource,
    options: ServerlessOptions,
    problems: Problem[],
  ) {
    super(file, source, problems);
    this.provider = isObj(service.provider) ? service.provider : {};
    this.stage = options.stage ?? providerStage(service, path.dirname(file));
    this.variableResolver = new ServerlessVariables(service, path.dirname(file), this.stage, (at, message) => this.problem(at, WORKSPACE_ERROR_CODES.unresolved, message));
  }

  discover(): FileDiscovery {
    const functions: FunctionDefinition[] = [];
    const declared = isObj(this.service.functions) ? this.service.functions : {};
    let routes: ServerlessRoutes | undefined;
    for (const [name, raw] of Object.entries(declared)) {
      if (!isObj(raw)) continue;
      try {
        const resolved = this.variables(raw, ['functions', name]) as Obj;
        const fn = this.function(name, resolved);
        if (fn) {
          routes ??= new ServerlessRoutes(this.file, this.source, this.resolvedProvider ?? {}, this.stage, new Set(Object.keys(declared)), (at, code, message, f) => this.problem(at, code, message, f));
          const own = routes.routes(name, resolved);
          if (own.length > 0) fn.routes = own;
          functions.push(fn);
        }
      } catch (error) {
        this.problem(['functions', name], WORKSPACE_ERROR_CODES.invalidValue, `${name}: ${errorMessage(error)}`, name);
      }
    }
    const files = this.variableResolver.files;
    return { file: this.file, functions, problems: this.problems, ...(files.length ? { definitionFiles: files } : {}) };
  }

  /** `service: NAME` (or the older `service: { name: NAME }`), with its variables resolved. */
  private get serviceName(): string | undefined {
    if (this.serviceNameValue === undefined) this.serviceNameValue = this.readServiceName() ?? null;
    return this.serviceNameValue ?? undefined;
  }

  private readServiceName(): string | undefined {
    const raw = isObj(this.service.service) ? this.service.service.name : this.service.service;
    if (typeof raw !== 'string' || !raw) return undefined;
    const resolved = this.variables(raw, ['service']);
    return typeof resolved === 'string' && !resolved.includes('${') ? resolved : undefined;
  }

  private function(name: string, fn: Obj): FunctionDefinition | undefined {
    const provider = this.resolvedProvider ??= this.variables(this.provider, ['provider']) as Obj;
    const at = (...keys: string[]) => ['functions', name, ...keys];
    const definition = withLambdaDefaults({ name, source: { file: this.file, line: this.source.lineOf(at()) } });
    const deployedName = typeof fn.name === 'string' && fn.name ? fn.name : this.serviceName ? `${this.serviceName}-${this.stage}-${name}` : undefined;
    if (deployedName && deployedName !== name) definition.deployedName = deployedName;
    const pick = (key: string): unknown => fn[key] ?? provider[key];
    definition.memorySizeMB = this.positiveNumber(pick('memorySize'), at('memorySize'), name, 'memorySize') ?? definition.memorySizeMB;
    definition.timeoutSeconds = this.positiveNumber(pick('timeout'), at('timeout'), name, 'timeout') ?? definition.timeoutSeconds;
    definition.ephemeralStorageMB = this.positiveNumber(pick('ephemeralStorageSize'), at('ephemeralStorageSize'), name, 'ephemeralStorageSize') ?? definition.ephemeralStorageMB;
    const architecture = pick('architecture');
    if (architecture === 'arm64' || architecture === 'x86_64') definition.architecture = architecture;
    // The function's logs override the provider's logs.lambda field by field, as serverless compiles LoggingConfig.
    const providerLogs = isObj(provider.logs) && isObj(provider.logs.lambda) ? provider.logs.lambda : {};
    const logs = { ...providerLogs, ...(isObj(fn.logs) ? fn.logs : {}) };
    if (Object.keys(logs).length) {
      const { config, problems } = parseLoggingConfig(logs, SERVERLESS_LOGGING_KEYS);
      for (const problem of problems) this.problem(at('logs', problem.key), WORKSPACE_ERROR_CODES.invalidValue, `${name}: logs ${problem.message}`, name);
      definition.logging = config;
    }
    const reserved = this.positiveNumber(fn.reservedConcurrency, at('reservedConcurrency'), name, 'reservedConcurrency');
    if (reserved !== undefined) definition.reservedConcurrency = reserved;
    definition.environment = this.environment(name, provider.environment, ['provider', 'environment']);
    Object.assign(definition.environment, this.environment(name, fn.environment, at('environment')));
    // Function-level layers replace the provider's, as serverless does.
    definition.layers = this.layers(name, fn.layers ?? provider.layers, fn.layers ? at('layers') : ['provider', 'layers']);
    const lambdaDock = isObj(fn.lambdaDock) ? fn.lambdaDock : isObj(provider.lambdaDock) ? provider.lambdaDock : {};
    definition.dockerSocket = lambdaDock.dockerSocket === true;
    if (fn.url) {
      const url = isObj(fn.url) ? fn.url : {};
      definition.functionUrl = {
        authType: url.authorizer === 'aws_iam' ? 'AWS_IAM' : 'NONE',
        invokeMode: url.invokeMode === 'RESPONSE_STREAM' ? 'RESPONSE_STREAM' : 'BUFFERED',
        ...(isObj(url.cors) ? { cors: url.cors } : {}),
      };
    }

    if (fn.image !== undefined) {
      const image = this.image(name, fn.image, provider, at('image'));
      if (!image) return undefined;
      definition.image = image;
      return definition;
    }

    if (typeof fn.handler !== 'string') {
      this.problem(at(), WORKSPACE_ERROR_CODES.missingProperty, `${name}: handler is missing; add handler: file.export to the function`, name);
      return undefined;
    }
    const runtime = typeof pick('runtime') === 'string' ? String(pick('runtime')) : 'nodejs20.x';
    definition.handler = fn.handler;
    definition.runtime = runtime;

    const pkg = isObj(fn.package) ? fn.package : {};
    const servicePkg = isObj(this.service.package) ? this.service.package : {};
    const artifact = pkg.artifact ?? servicePkg.artifact;
    const location = typeof artifact === 'string' ? path.resolve(this.dir, artifact) : this.dir;
    const patterns = [...DEFAULT_EXCLUDES, ...packagePatterns(servicePkg), ...packagePatterns(pkg)];
    const plugins = Array.isArray(this.service.plugins) ? this.service.plugins.map(String) : [];
    const bundles = plugins.some((p) => ESBUILD_PLUGINS.has(p))
      || (findHandlerFile(this.dir, fn.handler, runtime) === undefined && findHandlerFile(this.dir, fn.handler, runtime, BUILDABLE_EXTENSIONS) !== undefined);
    const resolved = resolveCode({
      functionName: name,
      file: this.file,
      line: this.source.lineOf(at('handler')),
      runtime,
      handler: fn.handler,
      location,
      ...(bundles && typeof artifact !== 'string' ? { esbuild: this.esbuildOptions() } : {}),
      ...(typeof artifact !== 'string' ? { patterns } : {}),
    }, this.problems);
    if (!resolved) return undefined;
    definition.codeDir = resolved.codeDir;
    if (resolved.build) definition.build = resolved.build;
    return definition;
  }

  private esbuildOptions(): Partial<EsbuildOptions> {
    const custom = isObj(this.service.custom) && isObj(this.service.custom.esbuild) ? this.service.custom.esbuild : {};
    const options: Partial<EsbuildOptions> = {};
    if (custom.format === 'esm' || custom.format === 'cjs') options.format = custom.format;
    if (typeof custom.target === 'string') options.target = custom.target;
    const sourcemap = esbuildSourcemap(custom.sourcemap);
    if (sourcemap !== undefined) options.sourcemap = sourcemap;
    if (Array.isArray(custom.external)) options.external = custom.external.map(String);
    if (custom.minify !== undefined) options.minify = custom.minify === true;
    if (Array.isArray(custom.mainFields) && custom.mainFields.length) options.mainFields = custom.mainFields.map(String);
    return options;
  }

  private environment(name: string, value: unknown, at: string[]): Record<string, string> {
    const environment: Record<string, string> = {};
    if (!isObj(value)) return environment;
    for (const [key, v] of Object.entries(value)) {
      if (v === null || typeof v === 'object') {
        this.problem([...at, key], WORKSPACE_ERROR_CODES.unresolved, `${name}: environment variable ${key} is ${JSON.stringify(v)}, which is only known once deployed; it is left out: use a literal or \${env:${key}}`, name);
        continue;
      }
      environment[key] = String(v);
    }
    return environment;
  }

  private layers(name: string, value: unknown, at: string[]): LayerDefinition[] {
    if (!Array.isArray(value)) return [];
    const declared = isObj(this.service.layers) ? this.service.layers : {};
    const layers: LayerDefinition[] = [];
    value.forEach((ref, index) => {
      // { Ref: SharedLambdaLayer } names the layer `shared` of this file, as serverless names its resources.
      const refName = isObj(ref) && typeof ref.Ref === 'string' ? ref.Ref : typeof ref === 'string' ? ref : '';
      const key = Object.keys(declared).find((k) => k === refName || `${titleCase(k)}LambdaLayer` === refName);
      if (key !== undefined) {
        const layer = this.layer(key, declared[key]);
        if (layer) layers.push(layer);
        return;
      }
      this.problem([...at, index], WORKSPACE_ERROR_CODES.unsupported, `${name}: layer ${JSON.stringify(ref)} is not defined in this file's layers (a published layer ARN cannot be fetched locally); define it under layers: with a local path`, name);
    });
    return layers;
  }

  private layer(key: string, raw: unknown): LayerDefinition | undefined {
    if (this.layerCache.has(key)) return this.layerCache.get(key);
    let layer: LayerDefinition | undefined;
    const spec = isObj(raw) ? raw : {};
    const location = typeof spec.path === 'string' ? path.resolve(this.dir, spec.path) : typeof spec.package === 'object' && isObj(spec.package) && typeof spec.package.artifact === 'string' ? path.resolve(this.dir, spec.package.artifact) : undefined;
    if (!location || !existsSync(location)) {
      this.problem(['layers', key], WORKSPACE_ERROR_CODES.pathNotFound, `layer ${key}: ${location ? `${location} does not exist` : 'it has no path'}; set path: to the layer's local folder`);
    } else {
      layer = { name: key, dir: resolveLayerDir(location) };
    }
    this.layerCache.set(key, layer);
    return layer;
  }

  private image(name: string, value: unknown, provider: Obj, at: string[]): ImageDefinition | undefined {
    const images = isObj(provider.ecr) && isObj(provider.ecr.images) ? provider.ecr.images : {};
    const ref = isObj(value) ? value : { name: value };
    const imageName = typeof ref.name === 'string' ? ref.name : undefined;
    const local = imageName !== undefined ? images[imageName] : undefined;
    let image: ImageDefinition;
    if (isObj(local) && typeof local.path === 'string') {
      const context = path.resolve(this.dir, local.path);
      const dockerfile = typeof local.file === 'string' ? local.file : 'Dockerfile';
      if (!existsSync(path.join(context, dockerfile))) {
        this.problem(['provider', 'ecr', 'images', imageName ?? ''], WORKSPACE_ERROR_CODES.pathNotFound, `${name}: ${path.join(context, dockerfile)} does not exist; fix provider.ecr.images.${imageName}.path`, name);
        return undefined;
      }
      const tag = `${String(imageName).toLowerCase()}:latest`;
      image = { uri: tag, build: { dockerfile, context, tag } };
    } else if (typeof ref.uri === 'string' || (typeof value === 'string' && /[:@/]/.test(value))) {
      image = { uri: typeof ref.uri === 'string' ? ref.uri : String(value) };
    } else {
      this.problem(at, WORKSPACE_ERROR_CODES.missingProperty, `${name}: image ${JSON.stringify(value)} is neither an image URI nor one of provider.ecr.images`, name);
      return undefined;
    }
    if (Array.isArray(ref.command)) image.command = ref.command.map(String);
    if (Array.isArray(ref.entryPoint)) image.entryPoint = ref.entryPoint.map(String);
    if (typeof ref.workingDirectory === 'string') image.workingDirectory = ref.workingDirectory;
    return image;
  }

  /** Resolves serverless variables (see ServerlessVariables) in a value. */
  private variables(value: unknown, at: string[]): unknown {
    return this.variableResolver.resolve(value, at);
  }
}

/** provider.stage as the Framework reads it without --stage (its fallback, or a value it names); else dev. */
function providerStage(service: Obj, dir: string): string {
  const provider = isObj(service.provider) ? service.provider : {};
  const stage = new ServerlessVariables(service, dir, undefined, () => undefined).resolve(provider.stage, ['provider', 'stage']);
  return typeof stage === 'string' && stage ? stage : 'dev';
}

function packagePatterns(pkg: Obj): string[] {
  const patterns = Array.isArray(pkg.patterns) ? pkg.patterns.map(String) : [];
  if (Array.isArray(pkg.include)) patterns.push(...pkg.include.map(String));
  if (Array.isArray(pkg.exclude)) patterns.push(...pkg.exclude.map((p) => `!${String(p)}`));
  return patterns;
}

function titleCase(name: string): string {
  return name.replace(/[-_]+(.)/g, (_m, c: string) => c.toUpperCase()).replace(/^./, (c) => c.toUpperCase());
}
