import { EventEmitter } from 'node:events';
import type Docker from 'dockerode';

export interface ContainerEvent {
  action: string;
  containerId: string;
  attributes: Record<string, string>;
  time: number;
}

/**
 * One engine event stream filtered to our labels, reconnected (bounded) when it drops, resuming from the
 * last event seen so nothing is missed. Emits 'container' (ContainerEvent) and 'lost' (Error) when it
 * gives up.
 */
export class EngineEvents extends EventEmitter {
  private stream?: NodeJS.ReadableStream;
  private disposed = false;
  private since = Math.floor(Date.now() / 1000);
  private failures = 0;

  constructor(
    private readonly docker: Docker,
    private readonly labelFilter: string[],
    private readonly maxReconnects = 10,
  ) {
    super();
  }

  async start(): Promise<void> {
    const stream = (await this.docker.getEvents({
      since: this.since,
      filters: JSON.stringify({ type: ['container'], label: this.labelFilter }),
    })) as NodeJS.ReadableStream;
    this.stream = stream;
    this.failures = 0;
    let pending = '';
    stream.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline).trim();
        pending = pending.slice(newline + 1);
        if (line) this.onLine(line);
      }
    });
    const reconnect = () => {
      if (this.disposed || this.stream !== stream) return;
      this.stream = undefined;
      this.reconnect();
    };
    stream.on('end', reconnect);
    stream.on('error', reconnect);
  }

  dispose(): void {
    this.disposed = true;
    const stream = this.stream as (NodeJS.ReadableStream & { destroy?: () => void }) | undefined;
    this.stream = undefined;
    stream?.destroy?.();
    this.removeAllListeners();
  }

  private onLine(line: string): void {
    try {
      const event = JSON.parse(line) as { Action?: string; status?: string; id?: string; Actor?: { ID?: string; Attributes?: Record<string, string> }; time?: number };
      if (event.time) this.since = event.time;
      this.emit('container', {
        action: event.Action ?? event.status ?? '',
        containerId: event.Actor?.ID ?? event.id ?? '',
        attributes: event.Actor?.Attributes ?? {},
        time: event.time ?? 0,
      } satisfies ContainerEvent);
    } catch {
      // a line that is not an event: ignore it
    }
  }

  private reconnect(): void {
    this.failures += 1;
    if (this.failures > this.maxReconnects) {
      this.emit('lost', new Error(`the engine's event stream dropped ${this.maxReconnects} times`));
      return;
    }
    const delay = Math.min(5000, 100 * 2 ** this.failures);
    setTimeout(() => {
      if (this.disposed) return;
      this.start().catch(() => this.reconnect());
    }, delay).unref();
  }
}
