import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  esbuildSourcemap,
  withLambdaDefaults,
  type Architecture,
  type EsbuildOptions,
  type FunctionDefinition,
  type FunctionUrlDefinition,
  type ImageDefinition,
  type LayerDefinition,
} from '../functions/definition';
import { parseLoggingConfig, SAM_LOGGING_KEYS, type LoggingConfig } from '../functions/logging';
import { errorMessage } from '../errors';
import { WORKSPACE_ERROR_CODES } from './errors';
import { inlineCodeDir, resolveCode, resolveLayerDir } from './functionCode';
import { evaluateCondition, pseudoParameters, resolveIntrinsics, UnresolvedValue, type IntrinsicContext } from './intrinsics';
import type { FileDiscovery, Problem } from './problem';
import { isObj, ProjectFileReader, type Obj } from './projectFileReader';
import { SamApis, type DefinitionSource } from './samApis';
import { parseYaml, readYamlFile, type YamlSource } from './yamlSource';

const SERVERLESS_FUNCTION = 'AWS::Serverless::Function';
const LAMBDA_FUNCTION = 'AWS::Lambda::Function';
const LAYER_TYPES = new Set(['AWS::Serverless::LayerVersion', 'AWS::Lambda::LayerVersion']);

export interface SamOptions {
  /** Parameter values that win over the template's defaults (like sam's --parameter-overrides). */
  parameterOverrides?: Record<string, string>;
  /** AWS::Region (samconfig's region); else the environment's. */
  region?: string;
}

/** Reads one SAM or CloudFormation template: its functions, and the problems that kept any from loading. */
export async function discoverSamTemplate(file: string, options: SamOptions = {}): Promise<FileDiscovery> {
  const { source, problems } = await readYamlFile(file);
  if (!source) return { file, functions: [], problems };
  const template = source.value;
  if (!isObj(template) || !isObj(template.Resources)) return { file, functions: [], problems };
  return new SamTemplate(file, template, source, options, problems).discover();
}

class SamTemplate extends ProjectFileReader {
  private readonly ctx: IntrinsicContext;
  private readonly definitionFiles: string[] = [];
  private readonly resources: Record<string, Obj>;
  private readonly layerCache = new Map<string, LayerDefinition | undefined>();

  constructor(
    file: string,
    private readonly template: Obj,
    source: YamlSource,
    options: SamOptions,
    problems: Problem[],
  ) {
    super(file, source, problems);
    this.resources = {};
    const resourceTypes: Record<string, string> = {};
    for (const [id, resource] of Object.entries(template.Resources as Obj)) {
      if (!isObj(resource)) continue;
      this.resources[id] = resource;
      resourceTypes[id] = String(resource.Type);
    }
    this.ctx = {
      parameters: this.parameters(options.parameterOverrides ?? {}),
      pseudo: pseudoParameters(path.basename(this.dir) || 'lambda-dock', options.region),
      resourceTypes,
      conditions: isObj(template.Conditions) ? template.Conditions : {},
      mappings: isObj(template.Mappings) ? template.Mappings : {},
      declaredParameters: new Set(isObj(template.Parameters) ? Object.keys(template.Parameters) : []),
      include: (location) => this.readDefinitionFile(location, 'AWS::Include'),
    };
  }

  /** Another file the template's definitions come from (AWS::Include, an API's DefinitionUri), parsed. */
  private readDefinitionFile(location: string, what: string): unknown {
    return this.readDefinitionSource(location, what).source.value;
  }

  private readDefinitionSource(location: string, what: string): DefinitionSource {
    const file = path.resolve(this.dir, location);
    if (!this.definitionFiles.includes(file)) this.definitionFiles.push(file);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new UnresolvedValue(`${what} names ${location}, which does not exist`, 'unresolved', `fix the path: it is relative to ${path.basename(this.file)}`);
    }
    const parsed = parseYaml(text);
    if (parsed.errors.length) throw new UnresolvedValue(`${what} ${location} does not parse: ${parsed.errors[0].message} (line ${parsed.errors[0].line})`, 'unresolved', 'fix the YAML or JSON');
    return { file, source: parsed };
  }

  discover(): FileDiscovery {
    const functions: FunctionDefinition[] = [];
    for (const [id, resource] of Object.entries(this.resources)) {
      if (resource.Type !== SERVERLESS_FUNCTION && resource.Type !== LAMBDA_FUNCTION) continue;
      if (!this.included(id, resource)) continue;
      try {
        const fn = this.function(id, resource);
        if (fn) functions.push(fn);
      } catch (error) {
        this.problem(['Resources', id], WORKSPACE_ERROR_CODES.invalidValue, `${id}: ${errorMessage(error)}`, id);
      }
    }
    const readDefinitionUri = (location: string) => this.readDefinitionSource(location, 'DefinitionUri');
    const routes = new SamApis(this.file, this.template, this.resources, this.source, this.ctx, (at, code, message, fn) => this.problem(at, code, message, fn), readDefinitionUri)
      .routes(new Set(functions.map((fn) => fn.name)));
    for (const fn of functions) {
      const own = routes.get(fn.name);
      if (own) fn.routes = own;
    }
    return { file: this.file, functions, problems: this.problems, ...(this.definitionFiles.length ? { definitionFiles: this.definitionFiles } : {}) };
  }

  private parameters(overrides: Record<string, string>): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    const declared = isObj(this.template.Parameters) ? this.template.Parameters : {};
    for (const [name, declaration] of Object.entries(declared)) {
      const raw = overrides[name] ?? (isObj(declaration) ? declaration.Default : undefined);
      if (raw === undefined) continue;
      const type = isObj(declaration) ? String(declaration.Type ?? 'String') : 'String';
      values[name] = type.startsWith('List<') || type === 'CommaDelimitedList'
        ? (Array.isArray(raw) ? raw.map(String) : String(raw).split(',').map((s) => s.trim()))
        : type === 'Number' ? String(raw) : raw;
    }
    for (const [name, value] of Object.entries(overrides)) if (!(name in values)) values[name] = value;
    return values;
  }

  /** False when the resource's Condition is false, so it would not be deployed. */
  private included(id: string, resource: Obj): boolean {
    if (typeof resource.Condition !== 'string') return true;
    try {
      return evaluateCondition(resource.Condition, this.ctx);
    } catch (error) {
      this.problem(['Resources', id, 'Condition'], WORKSPACE_ERROR_CODES.unresolved, `${id}: its Condition ${resource.Condition} cannot be evaluated locally (${errorMessage(error)}); the function is loaded anyway`, id);
      return true;
    }
  }

  private function(id: string, resource: Obj): FunctionDefinition | undefined {
    const serverless = resource.Type === SERVERLESS_FUNCTION;
    const rawProps = isObj(resource.Properties) ? resource.Properties : {};
    const globals = serverless && isObj(this.template.Globals) && isObj(this.template.Globals.Function) ? this.template.Globals.Function : {};
    const props = mergeGlobals(globals, rawProps);
    const metadata = isObj(resource.Metadata) ? resource.Metadata : {};
    const at = (...keys: string[]) => ['Resources', id, 'Properties', ...keys];
    const line = this.source.lineOf(['Resources', id]);

    // One property at a time, so one unknowable value costs that property, not the function.
    const get = (key: string, fallback?: unknown): unknown => {
      if (!(key in props)) return fallback;
      try {
        return resolveIntrinsics(props[key], this.ctx);
      } catch (error) {
        this.unresolved(at(key), id, key, error, id);
        return fallback;
      }
    };

    const packageType = String(get('PackageType', 'Zip'));
    const definition = withLambdaDefaults({ name: id, source: { file: this.file, line } });
    const functionName = get('FunctionName');
    if (typeof functionName === 'string' && functionName && functionName !== id) definition.deployedName = functionName;
    definition.memorySizeMB = this.positiveNumber(get('MemorySize'), at('MemorySize'), id, 'MemorySize') ?? definition.memorySizeMB;
    definition.timeoutSeconds = this.positiveNumber(get('Timeout'), at('Timeout'), id, 'Timeout') ?? definition.timeoutSeconds;
    const storage = get('EphemeralStorage');
    if (isObj(storage)) definition.ephemeralStorageMB = this.positiveNumber(storage.Size, at('EphemeralStorage'), id, 'EphemeralStorage.Size') ?? definition.ephemeralStorageMB;
    const architectures = get('Architectures');
    if (Array.isArray(architectures) && architectures.length) {
      if (architectures[0] === 'arm64' || architectures[0] === 'x86_64') definition.architecture = architectures[0] as Architecture;
      else this.problem(at('Architectures'), WORKSPACE_ERROR_CODES.invalidValue, `${id}: Architectures must be x86_64 or arm64, not ${String(architectures[0])}`, id);
    }
    const logging = get('LoggingConfig');
    if (logging !== undefined) definition.logging = this.logging(id, logging, at('LoggingConfig'));
    const reserved = this.positiveNumber(get('ReservedConcurrentExecutions'), at('ReservedConcurrentExecutions'), id, 'ReservedConcurrentExecutions');
    if (reserved !== undefined) definition.reservedConcurrency = reserved;
    const { environment, unresolved } = this.environment(id, props, at);
    definition.environment = environment;
    if (unresolved.length) definition.unresolvedEnvironment = unresolved;
    definition.layers = this.layers(id, get('Layers', []), at('Layers'));
    const url = serverless ? get('FunctionUrlConfig') : undefined;
    if (isObj(url)) definition.functionUrl = functionUrl(url);
    const lambdaDock = isObj(metadata.LambdaDock) ? metadata.LambdaDock : {};
    definition.dockerSocket = lambdaDock.DockerSocket === true || lambdaDock.DockerSocket === 'true';

    if (packageType === 'Image') {
      const image = this.image(id, serverless ? get('ImageUri') : (get('Code') as Obj | undefined)?.ImageUri, get('ImageConfig'), metadata, at);
      if (!image) return undefined;
      definition.image = image;
      return definition;
    }

    const handler = get('Handler');
    const runtime = get('Runtime');
    if (typeof runtime !== 'string' || typeof handler !== 'string') {
      const missing = [typeof handler !== 'string' ? 'Handler' : '', typeof runtime !== 'string' ? 'Runtime' : ''].filter(Boolean).join(' and ');
      this.problem(['Resources', id, 'Properties'], WORKSPACE_ERROR_CODES.missingProperty, `${id}: ${missing} missing; set ${missing} on the function or in Globals.Function`, id);
      return undefined;
    }
    definition.handler = handler;
    definition.runtime = runtime;

    const codeLine = this.source.lineOf(serverless ? at('CodeUri') : at('Code'));
    let location: string | undefined;
    const asset = cdkAssetPath(metadata, serverless ? 'CodeUri' : 'Code');
    if (asset !== undefined) {
      location = this.assetPath(asset, ['Resources', id, 'Metadata', CDK_ASSET_PATH], id, id);
    } else if (serverless) {
      const inline = get('InlineCode');
      if (typeof inline === 'string') {
        definition.codeDir = inlineCodeDir(inline, runtime);
        return definition;
      }
      const codeUri = get('CodeUri');
      if (codeUri === undefined) location = this.dir;
      else if (typeof codeUri === 'string') location = this.localPath(codeUri, at('CodeUri'), id, 'CodeUri', id);
      else this.problem(at('CodeUri'), WORKSPACE_ERROR_CODES.unsupported, `${id}: CodeUri points at S3, which Lambda Dock cannot read; set CodeUri to the local folder of the code`, id);
    } else if (isObj(props.Code) && ('S3Bucket' in props.Code || 'S3Key' in props.Code)) {
      this.problem(at('Code'), WORKSPACE_ERROR_CODES.unsupported, `${id}: its Code is ${this.s3Location(props.Code)}, which cannot be run locally; set Code to the local folder or .zip of the code (as aws cloudformation package reads it), or, for a CDK app, run cdk synth and open the app's folder: the stack template in cdk.out names each function's local asset folder`, id);
    } else {
      const code = get('Code');
      if (typeof code === 'string') location = this.localPath(code, at('Code'), id, 'Code', id);
      else if (isObj(code) && typeof code.ZipFile === 'string') {
        definition.codeDir = inlineCodeDir(code.ZipFile, runtime);
        return definition;
      } else {
        this.problem(at('Code'), code === undefined ? WORKSPACE_ERROR_CODES.missingProperty : WORKSPACE_ERROR_CODES.invalidValue, `${id}: Code must be the local folder or .zip of the code, or ZipFile for inline code`, id);
      }
    }
    if (!location) return undefined;

    const resolved = resolveCode({
      functionName: id,
      file: this.file,
      line: codeLine,
      runtime,
      handler,
      location,
      esbuild: metadata.BuildMethod === 'esbuild' ? this.buildProperties(metadata) : undefined,
    }, this.problems);
    if (!resolved) return undefined;
    if (metadata.BuildMethod !== undefined && metadata.BuildMethod !== 'esbuild' && !isNpmBuildMethod(metadata.BuildMethod) && !resolved.build) {
      // Other build methods (makefile, a custom builder) are left to the user: the folder is used as it is.
      this.problem(['Resources', id, 'Metadata', 'BuildMethod'], WORKSPACE_ERROR_CODES.unsupported, `${id}: BuildMethod ${String(metadata.BuildMethod)} is not run by Lambda Dock; the code folder is used as it is (run your build, or use BuildMethod: esbuild)`, id);
    }
    definition.codeDir = resolved.codeDir;
    if (resolved.build) definition.build = resolved.build;
    return definition;
  }

  private environment(id: string, props: Obj, at: (...keys: string[]) => string[]): { environment: Record<string, string>; unresolved: string[] } {
    const environment: Record<string, string> = {};
    const unresolved: string[] = [];
    const variables = isObj(props.Environment) ? props.Environment.Variables : undefined;
    if (!isObj(variables)) return { environment, unresolved };
    for (const [name, raw] of Object.entries(variables)) {
      try {
        const value = resolveIntrinsics(raw, this.ctx);
        if (typeof value === 'object' && value !== null) throw new UnresolvedValue(`its value ${JSON.stringify(value)} is not a string`);
        environment[name] = String(value);
      } catch (error) {
        this.unresolved(at('Environment', 'Variables', name), id, `environment variable ${name}`, error, id);
        unresolved.push(name);
      }
    }
    return { environment, unresolved };
  }

  private logging(id: string, value: unknown, at: string[]): LoggingConfig | undefined {
    if (!isObj(value)) {
      this.problem(at, WORKSPACE_ERROR_CODES.invalidValue, `${id}: LoggingConfig must be an object with LogFormat, ApplicationLogLevel, SystemLogLevel or LogGroup`, id);
      return undefined;
    }
    const { config, problems } = parseLoggingConfig(value, SAM_LOGGING_KEYS);
    for (const problem of problems) this.problem([...at, problem.key], WORKSPACE_ERROR_CODES.invalidValue, `${id}: ${problem.message}`, id);
    return config;
  }

  private layers(id: string, value: unknown, at: (string | number)[]): LayerDefinition[] {
    if (!Array.isArray(value)) return [];
    const layers: LayerDefinition[] = [];
    value.forEach((ref, index) => {
      const layerId = typeof ref === 'string' ? ref : '';
      const resource = this.resources[layerId];
      if (resource && LAYER_TYPES.has(String(resource.Type))) {
        const layer = this.layer(layerId, resource);
        if (layer) layers.push(layer);
        return;
      }
      this.problem([...at, index], WORKSPACE_ERROR_CODES.unsupported, `${id}: layer ${JSON.stringify(ref)} is not a layer in this template (a published layer ARN cannot be fetched locally); define it as AWS::Serverless::LayerVersion with a local ContentUri`, id);
    });
    return layers;
  }

  private layer(id: string, resource: Obj): LayerDefinition | undefined {
    if (this.layerCache.has(id)) return this.layerCache.get(id);
    let layer: LayerDefinition | undefined;
    const key = resource.Type === 'AWS::Serverless::LayerVersion' ? 'ContentUri' : 'Content';
    const props = isObj(resource.Properties) ? resource.Properties : {};
    const at = ['Resources', id, 'Properties', key];
    const asset = cdkAssetPath(isObj(resource.Metadata) ? resource.Metadata : {}, key);
    try {
      const content = asset === undefined ? resolveIntrinsics(props[key], this.ctx) : undefined;
      if (asset !== undefined) {
        const location = this.assetPath(asset, ['Resources', id, 'Metadata', CDK_ASSET_PATH], id, undefined);
        if (location) layer = { name: id, dir: resolveLayerDir(location) };
      } else if (typeof content !== 'string') {
        this.problem(at, WORKSPACE_ERROR_CODES.unsupported, `layer ${id}: ${key} must be a local folder or zip; content in S3 cannot be used locally`);
      } else {
        const location = this.localPath(content, at, id, key, undefined);
        const metadata = isObj(resource.Metadata) ? resource.Metadata : {};
        // A folder already laid out for /opt (nodejs/node_modules or python/, nothing to build) is used as it is.
        const npmBuild = isNpmBuildMethod(metadata.BuildMethod) && existsSync(path.join(location ?? '', 'package.json'));
        const pipBuild = location && isPipBuildMethod(metadata.BuildMethod) ? pythonLayerBuild(location) : undefined;
        if (location) layer = { name: id, dir: resolveLayerDir(location), ...(npmBuild ? { npmBuild: true } : {}), ...(pipBuild ? { pipBuild } : {}) };
      }
    } catch (error) {
      this.unresolved(at, id, key, error, undefined);
    }
    this.layerCache.set(id, layer);
    return layer;
  }

  private image(id: string, uri: unknown, config: unknown, metadata: Obj, at: (...keys: string[]) => string[]): ImageDefinition | undefined {
    let image: ImageDefinition;
    if (typeof metadata.Dockerfile === 'string') {
      const context = path.resolve(this.dir, typeof metadata.DockerContext === 'string' ? metadata.DockerContext : '.');
      const dockerfile = metadata.Dockerfile;
      if (!existsSync(path.join(context, dockerfile))) {
        this.problem(['Resources', id, 'Metadata', 'Dockerfile'], WORKSPACE_ERROR_CODES.pathNotFound, `${id}: Dockerfile ${path.join(context, dockerfile)} does not exist; fix Metadata Dockerfile or DockerContext`, id);
        return undefined;
      }
      const tag = `${id.toLowerCase()}:${typeof metadata.DockerTag === 'string' ? metadata.DockerTag : 'latest'}`;
      const buildArgs = isObj(metadata.DockerBuildArgs) ? Object.fromEntries(Object.entries(metadata.DockerBuildArgs).map(([k, v]) => [k, String(v)])) : undefined;
      image = { uri: tag, build: { dockerfile, context, tag, ...(buildArgs ? { buildArgs } : {}) } };
    } else if (typeof uri === 'string' && uri) {
      image = { uri };
    } else {
      this.problem(at('ImageUri'), WORKSPACE_ERROR_CODES.missingProperty, `${id}: PackageType Image needs ImageUri, or Metadata with Dockerfile and DockerContext to build it`, id);
      return undefined;
    }
    if (isObj(config)) {
      if (Array.isArray(config.Command)) image.command = config.Command.map(String);
      if (Array.isArray(config.EntryPoint)) image.entryPoint = config.EntryPoint.map(String);
      if (typeof config.WorkingDirectory === 'string') image.workingDirectory = config.WorkingDirectory;
    }
    return image;
  }

  private buildProperties(metadata: Obj): Partial<EsbuildOptions> {
    const props = isObj(metadata.BuildProperties) ? metadata.BuildProperties : {};
    const options: Partial<EsbuildOptions> = {};
    if (Array.isArray(props.EntryPoints)) options.entryPoints = props.EntryPoints.map(String);
    if (props.Format === 'esm' || props.Format === 'cjs') options.format = props.Format;
    if (typeof props.Target === 'string') options.target = props.Target;
    // SAM reads true or false; Lambda Dock also takes esbuild's own kinds (inline: the map inside the bundle).
    const sourcemap = esbuildSourcemap(props.Sourcemap);
    if (sourcemap !== undefined) options.sourcemap = sourcemap;
    if (Array.isArray(props.External)) options.external = props.External.map(String);
    if (props.Minify !== undefined) options.minify = props.Minify === true || props.Minify === 'true';
    // "module,main" (SAM passes it to esbuild's --main-fields as written), or a list.
    const mainFields = (Array.isArray(props.MainFields) ? props.MainFields.map(String) : typeof props.MainFields === 'string' ? props.MainFields.split(',') : [])
      .map((field) => field.trim())
      .filter(Boolean);
    if (mainFields.length) options.mainFields = mainFields;
    return options;
  }

  /** How Code in S3 reads in a message: s3://bucket/key where both are known locally. */
  private s3Location(code: Obj): string {
    try {
      const bucket = resolveIntrinsics(code.S3Bucket, this.ctx);
      const key = resolveIntrinsics(code.S3Key, this.ctx);
      if (typeof bucket === 'string' && typeof key === 'string') return `in S3 (s3://${bucket}/${key})`;
    } catch {
      // Named by its properties below.
    }
    return 'in S3 (S3Bucket, S3Key)';
  }

  /** A CDK asset's folder or file, relative to the template in cdk.out. */
  private assetPath(asset: string, at: string[], id: string, functionName: string | undefined): string | undefined {
    const location = path.resolve(this.dir, asset);
    if (existsSync(location)) return location;
    this.problem(at, WORKSPACE_ERROR_CODES.pathNotFound, `${id}: its CDK asset ${location} does not exist; run cdk synth again so cdk.out holds the assets its templates name`, functionName);
    return undefined;
  }

  /** `id` names the function or layer whose path it is; `functionName` is set for a function's. */
  private localPath(value: string, at: string[], id: string, key: string, functionName: string | undefined): string | undefined {
    if (/^s3:\/\//.test(value)) {
      this.problem(at, WORKSPACE_ERROR_CODES.unsupported, `${id}: ${key} ${value} is in S3, which Lambda Dock cannot read; point it at the local folder`, functionName);
      return undefined;
    }
    const location = path.resolve(this.dir, value);
    if (!existsSync(location)) {
      this.problem(at, WORKSPACE_ERROR_CODES.pathNotFound, `${id}: ${key} ${value} does not exist (looked for ${location}); fix the path, relative to ${this.dir}`, functionName);
      return undefined;
    }
    return location;
  }

  /** `id` names the function or layer the value belongs to; `functionName` is set for a function's. */
  private unresolved(at: string[], id: string, what: string, error: unknown, functionName: string | undefined): void {
    const unsupported = error instanceof UnresolvedValue && error.kind === 'unsupported';
    const fix = error instanceof UnresolvedValue && error.fix ? error.fix : 'use a literal value';
    this.problem(at, unsupported ? WORKSPACE_ERROR_CODES.unsupported : WORKSPACE_ERROR_CODES.unresolved,
      `${id}: ${what} cannot be known locally (${errorMessage(error)}); it is left out: ${fix}`, functionName);
  }
}

const CDK_ASSET_PATH = 'aws:asset:path';

/** SAM's BuildMethod for Node.js (nodejs20.x...): npm installs the production dependencies. */
function isNpmBuildMethod(method: unknown): boolean {
  return typeof method === 'string' && /^nodejs\d+\.x$/.test(method);
}

/** SAM's BuildMethod for Python (python3.12...): pip installs requirements.txt. */
function isPipBuildMethod(method: unknown): boolean {
  return typeof method === 'string' && /^python3\.\d+$/.test(method);
}

/**
 * What a Python layer's build takes: its requirements.txt, if any. A folder with neither requirements.txt
 * nor a module at its root (already laid out as python/...) has nothing to build.
 */
function pythonLayerBuild(dir: string): { requirements?: string } | undefined {
  const requirements = path.join(dir, 'requirements.txt');
  if (existsSync(requirements)) return { requirements };
  const hasModule = existsSync(dir) && readdirSync(dir, { withFileTypes: true }).some((entry) => entry.name.endsWith('.py') || existsSync(path.join(dir, entry.name, '__init__.py')));
  return hasModule ? {} : undefined;
}

/** The asset folder CDK recorded for a resource's code property (Metadata aws:asset:path and aws:asset:property). */
function cdkAssetPath(metadata: Obj, property: string): string | undefined {
  const asset = metadata[CDK_ASSET_PATH];
  const assetProperty = metadata['aws:asset:property'];
  if (typeof asset !== 'string' || !asset) return undefined;
  return assetProperty === undefined || assetProperty === property ? asset : undefined;
}

/** SAM's Globals rules: maps merge, lists put the globals first, anything else the function's value wins. */
export function mergeGlobals(globals: Obj, props: Obj): Obj {
  const merged: Obj = { ...globals };
  for (const [key, value] of Object.entries(props)) {
    const global = merged[key];
    if (Array.isArray(global) && Array.isArray(value)) merged[key] = [...global, ...value];
    else if (isObj(global) && isObj(value) && !isIntrinsic(global) && !isIntrinsic(value)) merged[key] = mergeGlobals(global, value);
    else merged[key] = value;
  }
  return merged;
}

function isIntrinsic(value: Obj): boolean {
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0] === 'Condition' || keys[0].startsWith('Fn::'));
}

function functionUrl(url: Obj): FunctionUrlDefinition {
  return {
    authType: url.AuthType === 'AWS_IAM' ? 'AWS_IAM' : 'NONE',
    invokeMode: url.InvokeMode === 'RESPONSE_STREAM' ? 'RESPONSE_STREAM' : 'BUFFERED',
    ...(isObj(url.Cors) ? { cors: url.Cors } : {}),
  };
}
