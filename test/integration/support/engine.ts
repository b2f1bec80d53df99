import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Docker from 'dockerode';
import { LABELS } from '../../../src/core/engine/backend';
import { withLambdaDefaults, type FunctionDefinition } from '../../../src/core/functions/definition';
import { FunctionHost, type FunctionHostOptions } from '../../../src/core/runtime/functionHost';

export const docker = new Docker({ socketPath: process.env.DOCKER_HOST?.replace(/^unix:\/\//, '') ?? '/var/run/docker.sock' });

/** Fails (never skips) when no engine answers: these tests exist to run against a real one. */
export async function requireEngine(): Promise<void> {
  try {
    await docker.ping();
  } catch (error) {
    throw new Error(`The integration tests need a Docker engine at ${(docker.modem as { socketPath?: string }).socketPath}: run 'bash scripts/ensure-engine.sh' (or npm test, which does). ${(error as Error).message}`);
  }
  if (!fs.existsSync(path.join(__dirname, '../../../dist/runtime/bootstrap.js'))) {
    throw new Error("dist/runtime/bootstrap.js is missing: run 'npm run build' first (npm test does).");
  }
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-dock-it-'));

/** Writes a function's files into a fresh folder and returns its definition (Node.js 20, Lambda's defaults). */
export function makeFunction(name: string, files: Record<string, string>, overrides: Partial<FunctionDefinition> = {}): FunctionDefinition {
  const dir = fs.mkdtempSync(path.join(scratch, `${name}-`));
  writeFiles(dir, files);
  return withLambdaDefaults({ name, runtime: 'nodejs20.x', handler: 'app.handler', codeDir: dir, source: { file: path.join(dir, 'template.yaml'), line: 1 }, ...overrides });
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
}

export function makeFolder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(scratch, 'dir-'));
  writeFiles(dir, files);
  return dir;
}

/** A host on the real Docker engine; the test fails if the engine is anything else. */
export async function startDockerHost(options: Partial<FunctionHostOptions> = {}): Promise<FunctionHost> {
  await requireEngine();
  const host = await FunctionHost.start({ workspace: scratch, fallbackToProcess: false, ...options });
  if (host.backend.name !== 'docker') {
    await host.dispose();
    throw new Error(`expected the Docker engine, got ${host.backend.name}`);
  }
  return host;
}

export async function sessionContainers(sessionId: string): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [`${LABELS.session}=${sessionId}`] } });
}

export async function containerExists(id: string): Promise<boolean> {
  try {
    await docker.getContainer(id).inspect();
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw error;
  }
}

export const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
export const parse = (payload: Buffer): unknown => JSON.parse(payload.toString('utf8'));

export async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
