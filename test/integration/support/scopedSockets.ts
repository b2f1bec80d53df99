import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DockerSocketSpawner, type SocketLogger } from '../../../src/core/sockets';
import * as assert from 'node:assert/strict';
import { engineRequest, engineSocketPath, requireEngine } from './socketEngine';
import { ensureTestImage, TEST_IMAGE } from './testImage';

/** The session label the tests put on everything, so what a failed run leaves can be found. */
export const TEST_SESSION = `lambda-dock-tests-sockets-${process.pid}`;

export interface SocketFixture {
  spawner: DockerSocketSpawner;
  root: string;
  image: string;
  logs: string[];
  /** A container created on the engine directly (not through any socket): the "other" one. */
  other: { id: string; name: string };
  dispose(): Promise<void>;
}

/** A spawner in front of the real engine, with its sockets under a fresh short private folder. */
export async function socketFixture(): Promise<SocketFixture> {
  await requireEngine();
  const image = await ensureTestImage();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ldsk-'));
  fs.chmodSync(root, 0o700);
  const logs: string[] = [];
  const logger: SocketLogger = { info: (m) => logs.push(m), warn: (m) => logs.push(`WARN ${m}`), error: (m) => logs.push(`ERROR ${m}`) };
  const spawner = new DockerSocketSpawner(engineSocketPath(), { runtimeRoot: root, labels: { 'lambda-dock.session': TEST_SESSION }, logger });
  const other = await createOtherContainer(image);
  return {
    spawner,
    root,
    image,
    logs,
    other,
    async dispose() {
      await spawner.dispose();
      await engineRequest('DELETE', `/containers/${other.id}?force=1`);
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A running container that no socket created: every test tries to reach it. */
export async function createOtherContainer(image = TEST_IMAGE): Promise<{ id: string; name: string }> {
  const name = `ld-other-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const res = await engineRequest('POST', `/containers/create?name=${name}`, {
    Image: image,
    Cmd: ['sleep', '600'],
    Labels: { 'lambda-dock.session': TEST_SESSION },
    HostConfig: { AutoRemove: false },
  });
  if (res.status !== 201) throw new Error(`cannot create the other container: ${res.status} ${res.text}`);
  const id = res.json<{ Id: string }>().Id;
  const start = await engineRequest('POST', `/containers/${id}/start`);
  if (start.status !== 204) throw new Error(`cannot start the other container: ${start.status} ${start.text}`);
  return { id, name };
}

/** Containers on the engine that carry this run's session label (created through a socket or not). */
export async function sessionContainers(): Promise<string[]> {
  const filters = encodeURIComponent(JSON.stringify({ label: [`lambda-dock.session=${TEST_SESSION}`] }));
  const res = await engineRequest('GET', `/containers/json?all=1&filters=${filters}`);
  return res.json<Array<{ Id: string }>>().map((c) => c.Id).sort();
}

export async function sessionVolumes(): Promise<string[]> {
  const filters = encodeURIComponent(JSON.stringify({ label: [`lambda-dock.session=${TEST_SESSION}`] }));
  const res = await engineRequest('GET', `/volumes?filters=${filters}`);
  return (res.json<{ Volumes: Array<{ Name: string }> | null }>().Volumes ?? []).map((v) => v.Name).sort();
}

export async function sessionNetworks(): Promise<string[]> {
  const filters = encodeURIComponent(JSON.stringify({ label: [`lambda-dock.session=${TEST_SESSION}`] }));
  const res = await engineRequest('GET', `/networks?filters=${filters}`);
  return res.json<Array<{ Id: string }>>().map((n) => n.Id).sort();
}

/** The engine's view of a container: running or not, or gone. */
export async function containerState(id: string): Promise<string> {
  const res = await engineRequest('GET', `/containers/${id}/json`);
  if (res.status === 404) return 'gone';
  return res.json<{ State: { Status: string } }>().State.Status;
}

export interface ListEntry {
  Id: string;
  Names: string[];
  State: string;
  Status: string;
  Mounts?: Array<Record<string, unknown>>;
}

/** The containers a scoped socket lists (all of them, running or not). */
export async function socketList(sock: string): Promise<ListEntry[]> {
  const res = await engineRequest('GET', '/v1.41/containers/json?all=1', undefined, sock);
  assert.equal(res.status, 200, res.text);
  return res.json<ListEntry[]>();
}

/** One container as the engine itself lists it right now (Mounts without host paths, as the socket gives them). */
async function engineEntry(id: string, engineSocket: string): Promise<ListEntry | undefined> {
  const filters = encodeURIComponent(JSON.stringify({ id: [id] }));
  const [entry] = (await engineRequest('GET', `/v1.41/containers/json?all=1&filters=${filters}`, undefined, engineSocket)).json<ListEntry[]>();
  for (const m of entry?.Mounts ?? []) delete m.Source;
  return entry;
}

/**
 * For `ms`, every 20 ms: the engine's own entry for `id`, the socket's list, the engine's entry again.
 * The socket must give one of the two engine answers around it. Returns the Status texts seen.
 */
export async function compareListsWithEngine(sock: string, id: string, ms: number, engineSocket = engineSocketPath()): Promise<Set<string>> {
  const seen = new Set<string>();
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const before = await engineEntry(id, engineSocket);
    const [listed] = await socketList(sock);
    const after = await engineEntry(id, engineSocket);
    assert.ok(
      [before, after].some((e) => JSON.stringify(e) === JSON.stringify(listed)),
      `the socket listed ${JSON.stringify(listed)}\nthe engine said ${JSON.stringify(before)}\nthen ${JSON.stringify(after)}`,
    );
    seen.add(listed!.Status);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return seen;
}
