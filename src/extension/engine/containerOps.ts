import * as path from 'node:path';
import { LABELS } from '../../core/engine/backend';
import { DockerBackend } from '../../core/engine/dockerBackend';
import { ignoreMissing } from '../../core/engine/errors';
import { errorMessage, LambdaDockError } from '../../core/errors';
import type { ContainerRecord } from '../model/records';
import type { EngineHost, ManagedContainer } from './engineHost';

/** The few Engine API calls the Containers view makes on containers that are not this session's instances. */
export interface ContainerApi {
  getContainer(id: string): {
    stop(options?: { t?: number }): Promise<unknown>;
    remove(options?: { force?: boolean; v?: boolean }): Promise<unknown>;
    logs(options: { stdout: boolean; stderr: boolean; tail: number; timestamps: boolean; follow: false }): Promise<Buffer>;
  };
}

export function containerApiOf(host: EngineHost): ContainerApi | undefined {
  return host.backend instanceof DockerBackend ? (host.backend.docker as unknown as ContainerApi) : undefined;
}

export interface StaleCleanupReport {
  removed: string[];
  failed: Array<{ name: string; error: string }>;
}

/**
 * Stop, remove, logs and stale cleanup for the Containers view. This session's instances go through the
 * host (so the pool forgets them); other containers through the Engine API.
 */
export class ContainerOps {
  constructor(
    private readonly host: EngineHost,
    private readonly api: ContainerApi | undefined = containerApiOf(host),
  ) {}

  async stop(container: Pick<ContainerRecord, 'id' | 'name' | 'ownSession' | 'instanceId'>): Promise<void> {
    if (container.ownSession && container.instanceId) return this.host.backend.terminate(container.instanceId);
    await this.engine().getContainer(container.id).stop({ t: 2 }).catch(ignoreGoneOrStopped);
  }

  async remove(container: Pick<ContainerRecord, 'id' | 'name' | 'ownSession' | 'instanceId'>): Promise<void> {
    if (container.ownSession && container.instanceId) return this.host.backend.terminate(container.instanceId);
    await this.engine().getContainer(container.id).remove({ force: true, v: true }).catch(ignoreGoneOrStopped);
  }

  async logs(containerId: string, tail = 1000): Promise<string> {
    const raw = await this.engine().getContainer(containerId).logs({ stdout: true, stderr: true, tail, timestamps: false, follow: false });
    return demuxLogs(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw)));
  }

  /**
   * Removes the stale containers (their session is gone) that belong to these workspace folders; stale
   * containers of other workspaces are left to their own window or `lambda-dock cleanup`.
   */
  async cleanupStale(workspaces: string[]): Promise<StaleCleanupReport> {
    return this.removeStale(await this.staleIn(workspaces));
  }

  /** The stale containers of these workspace folders, listed once: removeStale takes the list as it is. */
  async staleIn(workspaces: string[]): Promise<ManagedContainer[]> {
    return staleInWorkspaces(await this.host.backend.listManaged(), workspaces);
  }

  async removeStale(stale: ManagedContainer[]): Promise<StaleCleanupReport> {
    const report: StaleCleanupReport = { removed: [], failed: [] };
    await Promise.all(
      stale.map(async (c) => {
        try {
          await this.engine().getContainer(c.id).remove({ force: true, v: true }).catch(ignoreGoneOrStopped);
          report.removed.push(c.name);
        } catch (error) {
          report.failed.push({ name: c.name, error: errorMessage(error) });
        }
      }),
    );
    return report;
  }

  private engine(): ContainerApi {
    if (!this.api) throw new LambdaDockError('NO_CONTAINER_ENGINE', `The ${this.host.backend.name} backend runs no containers: select a Docker or Podman engine.`);
    return this.api;
  }
}

export function staleInWorkspaces(containers: ManagedContainer[], workspaces: string[]): ManagedContainer[] {
  const folders = new Set(workspaces.map((w) => path.resolve(w)));
  return containers.filter((c) => c.stale && folders.has(path.resolve(c.labels[LABELS.workspace] ?? '')));
}

/** Docker's multiplexed log stream (8-byte frame headers, for containers without a TTY) as text. */
export function demuxLogs(raw: Buffer): string {
  const chunks: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= raw.length) {
    const stream = raw[offset];
    const size = raw.readUInt32BE(offset + 4);
    if (stream > 2 || raw[offset + 1] !== 0 || raw[offset + 2] !== 0 || raw[offset + 3] !== 0) return raw.toString('utf8');
    chunks.push(raw.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  if (offset < raw.length && chunks.length === 0) return raw.toString('utf8');
  return Buffer.concat(chunks).toString('utf8');
}

/** A container already gone, being removed, or already stopped: what the user asked for holds. */
const ignoreGoneOrStopped = (error: unknown): void => ignoreMissing(error, { notModified: true });
