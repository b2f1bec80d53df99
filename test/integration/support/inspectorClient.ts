import WebSocket from 'ws';

/** Debugger.paused as the inspector sends it (the parts the tests read). */
export interface Paused {
  reason: string;
  hitBreakpoints?: string[];
  callFrames: Array<{ callFrameId: string; functionName: string; url: string; location: { scriptId: string; lineNumber: number; columnNumber: number } }>;
}

/**
 * A plain Chrome DevTools Protocol client over a WebSocket, as any inspector-protocol debugger is: commands
 * with ids, answers and events. Nothing of js-debug, so the tests show that a bare client is enough.
 */
export class InspectorClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private readonly listeners = new Map<string, Array<(params: unknown) => void>>();
  readonly closed: Promise<void>;
  /** Script URLs by id, as Debugger.scriptParsed announced them (a call frame's own url may be empty). */
  readonly scripts = new Map<string, string>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string }; method?: string; params?: unknown };
      if (message.id !== undefined) {
        const waiter = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.error) waiter?.reject(new Error(message.error.message));
        else waiter?.resolve(message.result);
      } else if (message.method) {
        for (const listener of this.listeners.get(message.method) ?? []) listener(message.params);
      }
    });
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static connect(url: string): Promise<InspectorClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.once('open', () => resolve(new InspectorClient(socket)));
      socket.once('error', reject);
    });
  }

  send<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  /** The next event of this method (that matches, when a test is given). */
  next<T>(method: string, matches: (params: T) => boolean = () => true): Promise<T> {
    return new Promise<T>((resolve) => {
      const listeners = this.listeners.get(method) ?? [];
      const listener = (params: unknown) => {
        if (!matches(params as T)) return;
        listeners.splice(listeners.indexOf(listener), 1);
        resolve(params as T);
      };
      listeners.push(listener);
      this.listeners.set(method, listeners);
    });
  }

  on<T>(method: string, listener: (params: T) => void): void {
    const listeners = this.listeners.get(method) ?? [];
    listeners.push(listener as (params: unknown) => void);
    this.listeners.set(method, listeners);
  }

  /** The URL of the script a paused call frame is in. */
  frameUrl(paused: Paused, index = 0): string | undefined {
    return this.scripts.get(paused.callFrames[index].location.scriptId);
  }

  close(): void {
    this.socket.close();
  }
}

/**
 * What a debugger does on attach: enable the debugger, set a breakpoint by URL, then release the runtime.
 * A runtime started with --inspect-brk pauses once at its first statement: that pause is continued, as
 * js-debug's continueOnAttach does. Resolves with the pause at the breakpoint.
 */
export async function attachAndBreak(client: InspectorClient, urlRegex: string, lineNumber: number): Promise<Paused> {
  client.on<{ scriptId: string; url: string }>('Debugger.scriptParsed', ({ scriptId, url }) => client.scripts.set(scriptId, url));
  client.on<Paused>('Debugger.paused', (paused) => {
    if (paused.reason === 'Break on start') void client.send('Debugger.resume');
  });
  const atBreakpoint = client.next<Paused>('Debugger.paused', (paused) => (paused.hitBreakpoints ?? []).length > 0);
  await client.send('Runtime.enable');
  await client.send('Debugger.enable');
  await client.send('Debugger.setBreakpointByUrl', { urlRegex, lineNumber });
  await client.send('Runtime.runIfWaitingForDebugger');
  return atBreakpoint;
}

/**
 * What VS Code's JavaScript debugger reads as the debuggee's pid, asked exactly as js-debug asks on attach
 * (gatherTelemetryFromCdp: Runtime.evaluate in context 1, its script named eval-*.cdp): the pid whose
 * process tree it kills on this machine when an attach session is stopped.
 */
export async function pidSeenByJsDebug(client: InspectorClient): Promise<unknown> {
  const answer = await client.send<{ result: { value?: { processId?: unknown } } }>('Runtime.evaluate', {
    contextId: 1,
    returnByValue: true,
    expression: "typeof process === 'undefined' || process.pid === undefined ? 'process not defined' : ({ processId: process.pid, nodeVersion: process.version, architecture: process.arch })\n//# sourceURL=eval-5f3c9a1e.cdp\n",
  });
  return answer.result.value?.processId;
}
