import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DockerSocketSpawner, type SocketLogger } from '../../../src/core/sockets';
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
