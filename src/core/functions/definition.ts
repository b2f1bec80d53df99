import type { LoggingConfig } from './logging';
import type { HttpRouteDefinition } from './routes';

/** Where a function (or an error about it) was defined: the workspace file and its 1-based line. */
export interface SourceLocation {
  file: string;
  line: number;
}

export type Architecture = 'x86_64' | 'arm64';

/** A layer's content: a host folder whose files appear under /opt, in attach order. */
export interface LayerDefinition {
  name: string;
  dir: string;
  /**
   * Built as SAM's BuildMethod nodejsNN.x builds a layer: the folder (a package) goes to nodejs/, its
   * production dependencies installed into nodejs/node_modules.
   */
  npmBuild?: boolean;
  /**
   * Built as SAM's BuildMethod python3.N builds a layer: the folder goes to python/, with its requirements.txt
   * (when it has one) installed there by pip, so /opt/python is on the function's sys.path.
   */
  pipBuild?: { requirements?: string };
  /**
   * Set on the one layer the workspace packager merges a function's layers into: the folders of this
   * machine merged there, in merge order (a later one's file wins), each under its prefix (nodejs/,
   * python/, or none). A debugger is told which of them a file under /opt came from.
   */
  sources?: LayerSource[];
}

/** A folder of this machine whose files a layer puts under /opt/<prefix>. */
export interface LayerSource {
  dir: string;
  prefix?: string;
}

/** A function packaged as a container image (PackageType: Image). */
export interface ImageDefinition {
  uri: string;
  command?: string[];
  entryPoint?: string[];
  workingDirectory?: string;
  /** Build from a Dockerfile through the engine (SAM Metadata Dockerfile / DockerContext / DockerTag). */
  build?: { dockerfile: string; context: string; tag: string; buildArgs?: Record<string, string> };
}

export interface FunctionUrlDefinition {
  authType: 'NONE' | 'AWS_IAM';
  invokeMode: 'BUFFERED' | 'RESPONSE_STREAM';
  cors?: Record<string, unknown>;
}

/**
 * Where esbuild puts a bundle's source map, as its `sourcemap` option says: 'linked' (a .map file beside the
 * bundle, named by a comment), 'inline' (a data: URL in that comment), 'both', 'external' (a .map file no
 * comment names, which neither Node.js nor a debugger finds), or none.
 */
export type EsbuildSourcemap = false | 'linked' | 'inline' | 'both' | 'external';

/** Reads a source map setting as the workspace files write it: true is esbuild's default, a linked map. */
export function esbuildSourcemap(value: unknown): EsbuildSourcemap | undefined {
  if (value === true || value === 'true') return 'linked';
  if (value === false || value === 'false') return false;
  return value === 'linked' || value === 'inline' || value === 'both' || value === 'external' ? value : undefined;
}

/** esbuild options from SAM's Metadata BuildProperties (or their defaults). */
export interface EsbuildOptions {
  /** Absolute paths of the entry points. */
  entryPoints: string[];
  format: 'cjs' | 'esm';
  target: string;
  sourcemap: EsbuildSourcemap;
  external: string[];
  minify: boolean;
  /** package.json fields tried in order for a package's entry (SAM's MainFields); absent: esbuild's main,module. */
  mainFields?: string[];
}

/**
 * How the code in codeDir is made from the workspace's sources (absent: codeDir is the workspace folder,
 * used as it is). The workspace area's packageFunction runs it.
 */
export interface FunctionBuild {
  /** The folder whose files make the function: a save under it redeploys the function. */
  sourceDir: string;
  /** Bundle with esbuild into codeDir. */
  esbuild?: EsbuildOptions;
  /** serverless.yml package patterns: copy only the matching files of sourceDir into codeDir. */
  patterns?: string[];
  /** A Python function's requirements.txt (absolute): installed with pip beside the code, as `sam build` does. */
  pipRequirements?: string;
}

/**
 * One Lambda function as the engine runs it, whatever file described it. Zip functions have
 * runtime, handler and codeDir (the built code on the host); image functions have image.
 */
export interface FunctionDefinition {
  /** The workspace's name for it: SAM logical id, serverless function key, lambda-dock.json name. */
  name: string;
  /**
   * The name Lambda gives it once deployed, where that differs from `name` (SAM FunctionName, serverless's
   * service-stage-function or its `name`): the function sees it as its own name and invoke accepts it too.
   */
  deployedName?: string;
  runtime?: string;
  handler?: string;
  codeDir?: string;
  layers: LayerDefinition[];
  image?: ImageDefinition;
  memorySizeMB: number;
  timeoutSeconds: number;
  environment: Record<string, string>;
  /**
   * Variables the definition declares whose value only the deployed stack knows (!GetAtt Table.Arn): left
   * out of `environment`, but an env-vars file (SAM's --env-vars) may give them a value.
   */
  unresolvedEnvironment?: string[];
  architecture: Architecture;
  ephemeralStorageMB: number;
  /** LoggingConfig (SAM, CloudFormation) or logs (serverless.yml); absent: Lambda's plain text. */
  logging?: LoggingConfig;
  /** Reserved concurrency from the definition; invocations past it are throttled. */
  reservedConcurrency?: number;
  /** Opt-in to a scoped Docker Engine API socket at /var/run/docker.sock. */
  dockerSocket: boolean;
  functionUrl?: FunctionUrlDefinition;
  /** API Gateway routes (REST and HTTP APIs) that invoke the function, from its events. */
  routes?: HttpRouteDefinition[];
  /**
   * Set by the workspace packager, whose codeDir is a copy: the folder of this machine the code's files come
   * from (the workspace folder, or an esbuild bundle whose source map leads to the .ts files).
   */
  codeSourceDir?: string;
  /** Set when codeDir is a build output that packageFunction (src/core/workspace) must produce first. */
  build?: FunctionBuild;
  source: SourceLocation;
}

export const LAMBDA_DEFAULTS = {
  memorySizeMB: 128,
  timeoutSeconds: 3,
  ephemeralStorageMB: 512,
  architecture: 'x86_64' as Architecture,
};

/** Fills the fields a definition may leave out with Lambda's defaults. */
export function withLambdaDefaults(
  partial: Partial<FunctionDefinition> & Pick<FunctionDefinition, 'name' | 'source'>,
): FunctionDefinition {
  return {
    layers: [],
    environment: {},
    dockerSocket: false,
    memorySizeMB: LAMBDA_DEFAULTS.memorySizeMB,
    timeoutSeconds: LAMBDA_DEFAULTS.timeoutSeconds,
    ephemeralStorageMB: LAMBDA_DEFAULTS.ephemeralStorageMB,
    architecture: LAMBDA_DEFAULTS.architecture,
    ...partial,
  };
}

/** The name the function has on Lambda: what AWS_LAMBDA_FUNCTION_NAME and context.functionName hold. */
export function lambdaFunctionName(definition: Pick<FunctionDefinition, 'name' | 'deployedName'>): string {
  return definition.deployedName ?? definition.name;
}

/** True when `name` names the function: its workspace name or its deployed name. */
export function isNamed(definition: Pick<FunctionDefinition, 'name' | 'deployedName'>, name: string): boolean {
  return definition.name === name || definition.deployedName === name;
}
