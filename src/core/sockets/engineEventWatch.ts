import * as readline from 'node:readline';
import { upstreamPath } from './canonicalPath';
import { isJsonObject, type JsonObject } from './strictJson';
import type { UpstreamClient } from './upstream';

const TYPES = JSON.stringify({ type: ['container', 'network', 'image'] });
const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5000;

/**
 * The engine's event stream for the scoped sockets: container, network and image events, each handed to
 * `onEvent`. `live` only while the engine has agreed to stream; `onReset` runs whenever that starts or
 * stops, since events may have been missed in between. Reconnects with backoff until stopped.
 */
export class EngineEventWatch {
  private abort: AbortController | undefined;
  private retry: NodeJS.Timeout | undefined;
  private retryMs = FIRST_RETRY_MS;
  private isLive = false;

  constructor(
    private readonly upstream: UpstreamClient,
    private readonly onEvent: (event: JsonObject) => void,
    private readonly onReset: () => void,
  ) {}

  get live(): boolean {
    return this.isLive;
  }

  /** Starts watching; a no-op while already watching. */
  start(): void {
    if (this.abort) return;
    this.abort = new AbortController();
    void this.connect(this.abort.signal);
  }

  stop(): void {
    this.abort?.abort();
    this.abort = undefined;
    clearTimeout(this.retry);
    this.setLive(false);
  }

  private async connect(signal: AbortSignal): Promise<void> {
    try {
      const res = await this.upstream.stream({ method: 'GET', path: upstreamPath(undefined, ['events'], new Map([['filters', TYPES]])), signal });
      if (res.statusCode !== 200) {
        res.resume();
        throw new Error(`events: ${res.statusCode}`);
      }
      // Following events must not keep a process alive on its own.
      res.socket.unref();
      this.retryMs = FIRST_RETRY_MS;
      this.setLive(true);
      for await (const line of readline.createInterface({ input: res, crlfDelay: Infinity })) this.onLine(line);
    } catch {
      // the stream failed or ended: fall through to reconnect
    }
    this.setLive(false);
    if (signal.aborted) return;
    this.retry = setTimeout(() => void this.connect(signal), this.retryMs);
    this.retry.unref();
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }

  private onLine(line: string): void {
    if (line.trim() === '') return;
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      return;
    }
    if (isJsonObject(event)) this.onEvent(event);
  }

  private setLive(live: boolean): void {
    if (live === this.isLive) return;
    this.isLive = live;
    this.onReset();
  }
}
