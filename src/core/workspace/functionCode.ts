import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EsbuildOptions, FunctionBuild } from '../functions/definition';
import { cacheDir } from '../paths';
import { errorMessage } from '../errors';
import { WORKSPACE_ERROR_CODES } from './errors';
import { isPythonRuntime } from '../engine/images';
import { BUILDABLE_EXTENSIONS, findHandlerFile, handlerModule, isNodeRuntime, nodeTarget } from './handlerFile';
import { isMalformed, parseHandlerName } from '../runtime/client/handlerResolution';
import type { Problem } from './problem';
import { unzipToCache } from './zipArchive';

/** What a project file says about one zip function's code. */
export interface CodeSpec {
  functionName: string;
  /** The project file and the line to report problems at. */
  file: string;
  line: number;
  runtime: string;
  handler: string;
  /** Absolute folder or .zip of the code. */
  location: string;
  /** Set when the project asks for an esbuild build (SAM Metadata BuildMethod: esbuild). */
  esbuild?: Partial<EsbuildOptions>;
  /** serverless.yml package patterns. */
  patterns?: string[];
}

export interface ResolvedCode {
  codeDir: string;
  build?: FunctionBuild;
}

/** The folder a function's build writes to: stable for the same project file and function. */
export function buildOutputDir(file: string, functionName: string): string {
  const key = createHash('sha256').update(`${path.resolve(file)}\0${functionName}`).digest('hex').slice(0, 24);
  return path.join(cacheDir(), 'builds', key);
}

/**
 * Turns a function's code location into the folder the engine mounts at /var/task, and the build that
 * fills it when one is needed. Reports a problem and returns undefined when the code cannot be found.
 */
export function resolveCode(spec: CodeSpec, problems: Problem[]): ResolvedCode | undefined {
  const problem = (code: Problem['code'], message: string) => problems.push({ file: spec.file, line: spec.line, code, message, functionName: spec.functionName });
  if (!fs.existsSync(spec.location)) {
    problem(WORKSPACE_ERROR_CODES.pathNotFound, `${spec.functionName}: its code ${spec.location} does not exist; fix CodeUri (relative to ${path.dirname(spec.file)}) or create the folder`);
    return undefined;
  }
  if (fs.statSync(spec.location).isFile()) {
    if (!spec.location.endsWith('.zip') && !spec.location.endsWith('.jar')) {
      problem(WORKSPACE_ERROR_CODES.invalidValue, `${spec.functionName}: its code ${spec.location} is a file; point CodeUri at a folder or a .zip`);
      return undefined;
    }
    try {
      const codeDir = unzipToCache(spec.location);
      checkHandler(spec, codeDir, problem);
      return { codeDir };
    } catch (error) {
      problem(WORKSPACE_ERROR_CODES.badArchive, `${spec.functionName}: ${errorMessage(error)}`);
      return undefined;
    }
  }
  const sourceDir = spec.location;
  const node = isNodeRuntime(spec.runtime);
  const plainModule = node ? findHandlerFile(sourceDir, spec.handler, spec.runtime) : undefined;
  // A TypeScript (or JSX) handler with no JavaScript beside it is built even without BuildMethod: esbuild.
  const buildableModule = node && !plainModule ? findHandlerFile(sourceDir, spec.handler, spec.runtime, BUILDABLE_EXTENSIONS) : undefined;
  if (spec.esbuild || buildableModule) {
    const esbuild = esbuildOptions(spec, sourceDir, buildableModule ?? plainModule);
    const missing = esbuild.entryPoints.filter((entry) => !fs.existsSync(entry));
    if (!esbuild.entryPoints.length || missing.length) {
      problem(WORKSPACE_ERROR_CODES.handlerNotFound, `${spec.functionName}: the entry point ${missing.join(', ') || handlerModule(spec.handler, spec.runtime) + '.ts'} does not exist; fix EntryPoints in BuildProperties or the Handler`);
    }
    return { codeDir: buildOutputDir(spec.file, spec.functionName), build: { sourceDir, esbuild } };
  }
  checkHandler(spec, sourceDir, problem);
  // A Python function's requirements.txt is installed beside its code, as `sam build` does.
  const requirements = isPythonRuntime(spec.runtime) ? path.join(sourceDir, 'requirements.txt') : undefined;
  const pipRequirements = requirements && fs.existsSync(requirements) ? requirements : undefined;
  if (spec.patterns?.length || pipRequirements) {
    return {
      codeDir: buildOutputDir(spec.file, spec.functionName),
      build: { sourceDir, ...(spec.patterns?.length ? { patterns: spec.patterns } : {}), ...(pipRequirements ? { pipRequirements } : {}) },
    };
  }
  return { codeDir: sourceDir };
}

function checkHandler(spec: CodeSpec, dir: string, problem: (code: Problem['code'], message: string) => void): void {
  if (findHandlerFile(dir, spec.handler, spec.runtime) !== undefined) return;
  const name = isNodeRuntime(spec.runtime) ? parseHandlerName(spec.handler) : undefined;
  if (name && isMalformed(name)) {
    problem(WORKSPACE_ERROR_CODES.invalidValue, `${spec.functionName}: ${name.malformed}; fix Handler`);
    return;
  }
  const module = handlerModule(spec.handler, spec.runtime);
  const expected = spec.runtime.startsWith('python') ? `${module.replace(/\./g, '/')}.py` : `${module}.js (or .mjs, .cjs)`;
  problem(WORKSPACE_ERROR_CODES.handlerNotFound, `${spec.functionName}: handler ${spec.handler} needs ${expected} in ${dir}, which does not exist; fix Handler or CodeUri`);
}

function esbuildOptions(spec: CodeSpec, sourceDir: string, handlerFile: string | undefined): EsbuildOptions {
  const given = spec.esbuild ?? {};
  const entryPoints = given.entryPoints?.length
    ? given.entryPoints.map((entry) => path.resolve(sourceDir, entry))
    : handlerFile ? [handlerFile] : [];
  return {
    entryPoints,
    format: given.format ?? 'cjs',
    target: given.target ?? nodeTarget(spec.runtime),
    sourcemap: given.sourcemap ?? 'linked',
    external: given.external ?? [],
    minify: given.minify ?? false,
    ...(given.mainFields ? { mainFields: given.mainFields } : {}),
  };
}

/** Writes inline code (SAM InlineCode, Lambda Code.ZipFile) into a content-addressed folder as index.js/.py. */
export function inlineCodeDir(code: string, runtime: string): string {
  const fileName = runtime.startsWith('python') ? 'index.py' : 'index.js';
  const hash = createHash('sha256').update(fileName).update('\0').update(code).digest('hex').slice(0, 32);
  const dir = path.join(cacheDir(), 'inline', hash);
  if (!fs.existsSync(dir)) {
    const temp = `${dir}.tmp-${process.pid}-${Date.now()}`;
    fs.mkdirSync(temp, { recursive: true });
    fs.writeFileSync(path.join(temp, fileName), code);
    try {
      fs.renameSync(temp, dir);
    } catch {
      fs.rmSync(temp, { recursive: true, force: true });
    }
  }
  return dir;
}

/** Turns a layer's content (folder or zip) into the folder whose files appear under /opt. */
export function resolveLayerDir(location: string): string {
  if (fs.statSync(location).isFile()) return unzipToCache(location);
  return location;
}
