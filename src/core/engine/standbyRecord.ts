import * as fs from 'node:fs';
import * as path from 'node:path';
import { runtimeDir } from '../paths';

/**
 * Whose instance each of a session's standbys became. A container's labels are fixed when it is created,
 * before a standby knows its function, so a standby carries LABELS.standby = this file instead, and the
 * labels it would have had (function, deploy, docker socket) are kept here by instance id. The session
 * writes it; other sessions on this machine read it to list its containers.
 */
export class StandbyRecord {
  private readonly assigned = new Map<string, Record<string, string>>();

  constructor(readonly file: string) {}

  static forSession(sessionId: string): StandbyRecord {
    return new StandbyRecord(path.join(runtimeDir(), 'sessions', `${sessionId}.standbys.json`));
  }

  /** Another session's assignments (empty when its file is gone, unreadable or on another machine). */
  static read(file: string): Record<string, Record<string, string>> {
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, Record<string, string>>;
    } catch {
      return {};
    }
  }

  labelsOf(instanceId: string): Record<string, string> | undefined {
    return this.assigned.get(instanceId);
  }

  set(instanceId: string, labels: Record<string, string>): void {
    this.assigned.set(instanceId, labels);
    this.write();
  }

  delete(instanceId: string): void {
    if (this.assigned.delete(instanceId)) this.write();
  }

  dispose(): void {
    this.assigned.clear();
    fs.rmSync(this.file, { force: true });
  }

  private write(): void {
    const temporary = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(Object.fromEntries(this.assigned)), { mode: 0o600 });
    fs.renameSync(temporary, this.file);
  }
}
