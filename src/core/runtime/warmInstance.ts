import { EventEmitter } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import type { InstanceExit, LaunchedInstance, OutputStream } from '../engine/backend';
import { parseOutputTally, OUTPUT_TALLY_HEADER, type OutputTally } from './client/protocol';
import { InstanceOutput } from './instanceOutput';
import type { InvocationAnswer, DispatchedInvocation, RuntimeApiChannel } from './runtimeApiChannel';
import type { LambdaError, ResponseStreamSink } from './invokeResult';
import { exitError, timeoutError, unknownInitFailure } from './runtimeErrors';

export type InstanceState = 'starting' | 'idle' | 'busy' | 'stopped';

/**
 * For runtimes that report no output tally (the official images, AWS's runtime interface clients): how long the
 * log must be quiet at least. Their output reaches us through the engine's attach stream, which lags the
 * response by a few ms usually but by tens of ms on a busy machine; so the quiet period also grows with the
 * lag measured on this instance's own timestamped log lines (see observeLag).
 */
const QUIET_MS = 15;
const MAX_QUIET_MS = 250;
/** A measured lag above this is taken for clock skew (an engine in a VM), not for latency. */
const PLAUSIBLE_LAG_MS = 1000;
/** How long to wait for output our client said it wrote before the answer (it travels by another path). */
const TALLY_WAIT_MS = 2000;
/** The timestamp Lambda's log lines carry: Node.js `2024-01-01T00:00:00.000Z\t<id>\tINFO\t…`, Python `[INFO]\t2024-…Z\t<id>\t…`. */
const LINE_TIMESTAMP = /(?:^|\]\t)(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\t/gm;

/** What one invocation on one instance came to. */
export interface InstanceOutcome {
  /** The response bytes, absent on error. */
  body?: Buffer;
  error?: LambdaError;
  /** The instance is no longer usable (timed out, exited): the pool must replace it. */
  lost: boolean;
  output: string;
  durationMs: number;
  maxMemoryKB?: number;
}

export interface InstanceSnapshot {
  instanceId: string;
  functionName: string;
  fingerprint: string;
  state: InstanceState;
  containerId?: string;
  coldStartMs?: number;
  invocations: number;
  lastDurationMs?: number;
  startedAt: number;
}

/**
 * One running instance of a function: its container (or process) and its Runtime API channel. Serves one
 * invocation at a time. Emits 'state' whenever its state changes, 'exit' (InstanceExit) when it dies, and
 * 'output' (text) for what the function writes, as it arrives (live logs; the exact log comes with the outcome).
 */
export class WarmInstance extends EventEmitter {
  state: InstanceState = 'starting';
  launched?: LaunchedInstance;
  invocations = 0;
  coldStartMs?: number;
  lastDurationMs?: number;
  /** The invocation it is serving, while busy. */
  currentRequestId?: string;
  readonly startedAt = Date.now();
  /** Output not yet given to an invocation; what precedes the first one (init logs) goes to the cold invocation. */
  private readonly output = new InstanceOutput();
  private readonly liveDecoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  private onOutput?: () => void;
  /** Ends the invocation in flight at once as lost, whatever the instance answers later. */
  private abortCurrent?: (error: (requestId: string) => LambdaError) => void;
  /** The attach stream's recent worst lag behind the runtime's own log timestamps, decaying (ms). */
  private lagMs = 0;

  constructor(
    readonly instanceId: string,
    readonly functionName: string,
    readonly fingerprint: string,
    readonly channel: RuntimeApiChannel,
  ) {
    super();
  }

  /** Wires the launched instance; resolves when its runtime first polls for work, rejects on an init failure. */
  attach(launched: LaunchedInstance, startedAt: number): Promise<void> {
    this.launched = launched;
    launched.on('output', (data: Buffer, stream: OutputStream) => {
      this.output.push(stream, data);
      const text = this.liveDecoders[stream].write(data);
      this.observeLag(text);
      if (text) this.emit('output', text);
      this.onOutput?.();
    });
    return new Promise<void>((resolve, reject) => {
      const fail = (error: LambdaError) => {
        cleanup();
        this.whenInitLogComplete(() => reject(Object.assign(new Error(error.errorMessage), { lambdaError: error, output: this.output.take() })));
      };
      const onReady = () => {
        cleanup();
        this.coldStartMs = Date.now() - startedAt;
        this.setState('idle');
        resolve();
      };
      const onInitError = (error: LambdaError) => fail(error);
      const onExit = (exit: InstanceExit) => fail(unknownInitFailure(exit));
      const cleanup = () => {
        this.channel.off('ready', onReady);
        this.channel.off('initError', onInitError);
        launched.off('exit', onExit);
      };
      launched.once('exit', (exit: InstanceExit) => {
        this.setState('stopped');
        this.emit('exit', exit);
      });
      // Under load the engine answers start after the runtime has already polled (or failed): check first.
      if (this.channel.initError) return fail(this.channel.initError);
      if (launched.exitInfo && !this.channel.ready) {
        this.setState('stopped');
        return fail(unknownInitFailure(launched.exitInfo));
      }
      if (this.channel.ready) return onReady();
      this.channel.once('ready', onReady);
      this.channel.once('initError', onInitError);
      launched.once('exit', onExit);
    });
  }

  /**
   * After an init failure the runtime exits (Lambda's clients and ours do): its log, which travels apart from
   * the init error, is complete once it has exited and its output has been quiet a moment.
   */
  private whenInitLogComplete(done: () => void): void {
    let quiet: NodeJS.Timeout | undefined;
    const finish = () => {
      clearTimeout(deadline);
      clearTimeout(quiet);
      this.onOutput = undefined;
      this.launched?.off('exit', startQuiet);
      done();
    };
    const startQuiet = () => {
      quiet = setTimeout(finish, QUIET_MS);
      this.onOutput = () => quiet?.refresh();
    };
    const deadline = setTimeout(finish, TALLY_WAIT_MS);
    if (!this.launched || this.launched.exitInfo) startQuiet();
    else this.launched.once('exit', startQuiet);
  }

  /**
   * Runs one invocation; never rejects: every failure is an outcome. Without timeoutSeconds no deadline
   * applies (a debugger may hold the invocation as long as it likes).
   */
  invoke(invocation: DispatchedInvocation, timeoutSeconds: number | undefined, stream?: ResponseStreamSink): Promise<InstanceOutcome> {
    this.setState('busy');
    this.invocations += 1;
    const started = process.hrtime.bigint();
    const elapsedMs = () => Number(process.hrtime.bigint() - started) / 1e6;
    const requestId = invocation.requestId;
    this.currentRequestId = requestId;

    return new Promise<InstanceOutcome>((resolve) => {
      let finished = false;
      /** `tally`: undefined for a runtime that reports none (wait for quiet), null when the log is not waited for. */
      const finish = (outcome: Omit<InstanceOutcome, 'output' | 'maxMemoryKB'>, tally: OutputTally | undefined | null) => {
        if (finished) return;
        finished = true;
        this.abortCurrent = undefined;
        clearTimeout(timer);
        this.channel.off('answer', onAnswer);
        this.launched?.off('exit', onExit);
        this.lastDurationMs = outcome.durationMs;
        const done = () => {
          this.currentRequestId = undefined;
          resolve({ ...outcome, output: this.output.take(tally ?? undefined), maxMemoryKB: tally?.maxRssKB });
        };
        if (tally === null) done();
        else this.whenLogComplete(tally, done);
      };
      const onExit = (exit: InstanceExit) => finish({ error: exitError(requestId, exit), lost: true, durationMs: elapsedMs() }, null);
      const onAnswer = (answeredId: string, answer: InvocationAnswer) => {
        if (answeredId !== requestId) return;
        if (answer.kind === 'stream') {
          void this.readStream(answer, stream).then(({ body, error, tally }) => finish({ body, error, lost: false, durationMs: elapsedMs() }, tally));
          return;
        }
        const durationMs = elapsedMs();
        if (answer.kind === 'response') finish({ body: answer.body, lost: false, durationMs }, answer.tally);
        else finish({ error: answer.error, lost: false, durationMs }, answer.tally);
      };
      const timer =
        timeoutSeconds === undefined ? undefined : setTimeout(() => finish({ error: timeoutError(requestId, timeoutSeconds), lost: true, durationMs: elapsedMs() }, null), timeoutSeconds * 1000);
      this.abortCurrent = (error) => finish({ error: error(requestId), lost: true, durationMs: elapsedMs() }, null);
      this.channel.on('answer', onAnswer);
      this.launched?.once('exit', onExit);
      this.channel.dispatch(invocation);
    });
  }

  /**
   * Settles the invocation in flight now, as lost with this error, before the instance is stopped: an answer
   * that arrives after (a debugger that lets go resumes the handler) no longer counts. Synchronous.
   */
  abort(error: (requestId: string) => LambdaError): void {
    this.abortCurrent?.(error);
  }

  markIdle(): void {
    if (this.state === 'busy') this.setState('idle');
  }

  snapshot(): InstanceSnapshot {
    return {
      instanceId: this.instanceId,
      functionName: this.functionName,
      fingerprint: this.fingerprint,
      state: this.state,
      containerId: this.launched?.id,
      coldStartMs: this.coldStartMs,
      invocations: this.invocations,
      lastDurationMs: this.lastDurationMs,
      startedAt: this.startedAt,
    };
  }

  setState(state: InstanceState): void {
    if (this.state === state || this.state === 'stopped') return;
    this.state = state;
    this.emit('state', state);
  }

  /**
   * Output travels by another path (the engine's attach stream) than the answer: wait until as much has
   * arrived as our client said it wrote before answering, or for other runtimes until the stream has been
   * quiet a moment.
   */
  private whenLogComplete(tally: OutputTally | undefined, done: () => void): void {
    if (tally && this.output.reached(tally)) return done();
    let quietTimer: NodeJS.Timeout | undefined;
    const stop = () => {
      this.onOutput = undefined;
      clearTimeout(deadline);
      clearTimeout(quietTimer);
      this.launched?.off('exit', stop);
      done();
    };
    const quietMs = Math.min(MAX_QUIET_MS, Math.max(QUIET_MS, Math.ceil(3 * this.lagMs) + 5));
    const deadline = setTimeout(stop, tally ? TALLY_WAIT_MS : quietMs + 200);
    if (tally) {
      this.onOutput = () => {
        if (this.output.reached(tally)) stop();
      };
    } else {
      quietTimer = setTimeout(stop, quietMs);
      this.onOutput = () => quietTimer?.refresh();
    }
    this.launched?.once('exit', stop);
  }

  /**
   * How far the output stream lags: arrival time minus the timestamp the runtime wrote into its log lines
   * (container and host share the clock). Keeps the recent worst case, decaying so a past burst of load
   * does not slow every invocation after it.
   */
  private observeLag(text: string): void {
    if (this.channel.ourClient) return;
    const now = Date.now();
    let worst = -1;
    for (const match of text.matchAll(LINE_TIMESTAMP)) {
      const lag = now - Date.parse(match[1]);
      if (lag >= 0 && lag <= PLAUSIBLE_LAG_MS) worst = Math.max(worst, lag);
    }
    if (worst >= 0) this.lagMs = Math.max(worst, this.lagMs * 0.95);
  }

  private readStream(answer: Extract<InvocationAnswer, { kind: 'stream' }>, sink?: ResponseStreamSink): Promise<{ body: Buffer; error?: LambdaError; tally?: OutputTally }> {
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      sink?.start(answer.contentType);
      answer.body.on('data', (chunk: Buffer) => {
        if (sink) sink.write(chunk);
        else chunks.push(chunk);
      });
      const complete = () => {
        const errorBody = answer.body.trailers['lambda-runtime-function-error-body'];
        let error: LambdaError | undefined;
        if (errorBody) {
          try {
            error = JSON.parse(Buffer.from(errorBody, 'base64').toString('utf8')) as LambdaError;
          } catch {
            error = { errorType: answer.body.trailers['lambda-runtime-function-error-type'] ?? 'Unknown', errorMessage: 'the function failed while streaming' };
          }
        }
        resolve({ body: Buffer.concat(chunks), error, tally: parseOutputTally(answer.body.trailers[OUTPUT_TALLY_HEADER.toLowerCase()]) });
      };
      answer.body.once('end', complete);
      answer.body.once('error', () => resolve({ body: Buffer.concat(chunks), error: { errorType: 'Runtime.StreamError', errorMessage: 'the response stream broke off' } }));
    });
  }
}
