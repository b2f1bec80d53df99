import * as fs from 'node:fs';
import * as path from 'node:path';
import type Docker from 'dockerode';
import * as tarFs from 'tar-fs';
import { followProgress, ProgressEventError } from '../engine/progress';
import type { ImageDefinition } from '../functions/definition';
import { WORKSPACE_ERROR_CODES, workspaceError } from './errors';
import { globToRegExp } from './globPatterns';

export interface ImageBuildProgress {
  image: string;
  /** A line of the build's output (a Dockerfile step, a pull status). */
  message: string;
}

export interface ImageBuildResult {
  image: string;
  durationMs: number;
}

/**
 * Builds a function's image from its Dockerfile through the engine (no docker CLI): the context goes up
 * as a tar stream, honouring .dockerignore, and progress comes back as events.
 */
export async function buildFunctionImage(
  docker: Docker,
  image: ImageDefinition,
  options: { labels?: Record<string, string>; onProgress?: (p: ImageBuildProgress) => void; signal?: AbortSignal } = {},
): Promise<ImageBuildResult> {
  const build = image.build;
  if (!build) throw workspaceError(WORKSPACE_ERROR_CODES.imageBuildFailed, `${image.uri} has no Dockerfile to build`);
  const started = performance.now();
  const ignored = dockerIgnore(build.context);
  const context = tarFs.pack(build.context, { ignore: (name: string) => ignored(path.relative(build.context, name)) });
  const fail = (why: string, cause?: unknown) => workspaceError(WORKSPACE_ERROR_CODES.imageBuildFailed, `the image ${build.tag} (${path.join(build.context, build.dockerfile)}) does not build: ${why}; fix the Dockerfile and save again`, cause);
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.buildImage(context as unknown as NodeJS.ReadableStream, {
      t: build.tag,
      dockerfile: build.dockerfile,
      ...(build.buildArgs ? { buildargs: build.buildArgs } : {}),
      labels: options.labels ?? {},
      ...(options.signal ? { abortSignal: options.signal } : {}),
    });
  } catch (error) {
    throw fail(error instanceof Error ? error.message : String(error), error);
  }
  let failure: string | undefined;
  try {
    await followProgress(docker, stream, (event) => {
      if (event.error) failure = event.errorDetail?.message ?? event.error;
      const message = (event.stream ?? event.status ?? event.error ?? '').trim();
      if (message) options.onProgress?.({ image: build.tag, message });
    });
  } catch (error) {
    // An error event: the build's own words (its last error's detail); a broken stream: the stream's error.
    throw error instanceof ProgressEventError ? fail(failure ?? error.message) : fail((error as Error).message, error);
  }
  return { image: build.tag, durationMs: performance.now() - started };
}

/** The context's .dockerignore as a predicate over relative paths (Dockerfile and .dockerignore are always sent). */
function dockerIgnore(contextDir: string): (relativePath: string) => boolean {
  const file = path.join(contextDir, '.dockerignore');
  if (!fs.existsSync(file)) return () => false;
  const rules = fs.readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
    .map((l) => ({ include: l.startsWith('!'), regex: globToRegExp(l.replace(/^!/, '')) }));
  return (relativePath) => {
    let ignored = false;
    for (const rule of rules) if (rule.regex.test(relativePath)) ignored = !rule.include;
    return ignored;
  };
}
