import { EventEmitter } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import type { InstanceExit, LaunchedInstance, OutputStream } from '../engine/backend';
import { parseOutputTally, OUTPUT_TALLY_HEADER, type OutputTally } from './client/protocol';
import { LogSequencer } from './logSequencer';
import type { OutputLedger } from './outputLedger';
import { RequestIdLedger } from './requestIdLedger';
import { TallyLedger } from './tallyLedger';
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
/**
 * How long to wait for output our client said it wrote before the answer (it travels by another path); and
 * how long the log of another runtime's invocation that nobody waits for may stay open while output goes on.
 */
const LOG_WAIT_MS = 2000;
/**
 * A log nobody waits for closes only after this much quiet, or this long after the next dispatch: lines tagged
 * with its request id that the stream delays (more than the quiet period, on a busy machine) still reach it.
 * Holding it open costs nothing but a later END (and the next invocation's events held behind it).
 */
const UNWAITED_QUIET_MS = 100;
const UNWAITED_AFTER_NEXT_MS = 250;
/** The timestamp Lambda's log lines carry: Node.js `2024-01-01T00:00:00.000Z\t<id>\tINFO\t…`, Python `[INFO]\t2024-…Z\t<id>\t…`. */
const LINE_TIMESTAMP = /(?:^|\]\t)(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\t/gm;

/** What one invocation on one instance came to. */
export interface InstanceOutcome {
  /** The response bytes, absent on error. */
  body?: Buffer;
  error?: LambdaError;
  /** The instance is no longer usable (timed out, exited): the pool must replace it. */
  lost: boolean;
  /** The invocation's output, once all of it has arrived (settled already when the caller waited for it). */
  output: Promise<string>;
  durationMs: number;
  maxMemoryKB?: number;
}

/** An invocation whose output may still be arriving. */
interface OpenLog {
  requestId: string;
  answered: boolean;
  output: Promise<string>;
  settle(output: string): void;
  /** Close conditions of a runtime without a tally: quiet after the answer, the next dispatch, a deadline. */
  timers: NodeJS.Timeout[];
  quietTimer?: NodeJS.Timeout;
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
 * invocation at a time; the previous one's output may still be arriving (see OutputLedger). Emits 'state'
 * whenever its state changes, 'exit' (InstanceExit) when it dies, and 'log' (text, requestId) for its log
 * as it arrives, in invocation order (`logEvents`: the pool adds START, END and REPORT through it).
 */
export class WarmInstance extends EventEmitter {
  state: InstanceState = 'starting';
  launched?: LaunchedInstance;
  invocations = 0;
  coldStartMs?: number;
  lastDurationMs?: number;
  readonly startedAt = Date.now();
  readonly logEvents = new LogSequencer((text, requestId) => this.emit('log', text, requestId));
  /** Output before the first dispatch (init logs, or an init failure's), raw: it goes to the cold invocation. */
  private readonly beforeFirstDispatch: Array<{ stream: OutputStream; data: Buffer }> = [];
  /** Which invocation output belongs to, made at the first dispatch (the runtime has said what it is by then). */
  private ledger?: OutputLedger;
  /** Invocations whose log is not complete yet, in dispatch order. */
  private readonly openLogs: OpenLog[] = [];
  /** Output chunks seen so far: tells a quiet period's end whether output came while it was due. */
  private outputCount = 0;
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
      if (this.ledger) {
        this.ledger.push(stream, data);
        if (!this.channel.ourClient) this.observeLag(this.liveDecoders[stream].write(data));
      } else {
        this.beforeFirstDispatch.push({ stream, data });
        const text = this.liveDecoders[stream].write(data);
        this.observeLag(text);
        this.logEvents.write(undefined, text);
      }
      this.onOutput?.();
      this.outputArrived();
    });
    return new Promise<void>((resolve, reject) => {
      const fail = (error: LambdaError) => {
        cleanup();
        this.whenInitLogComplete(() => reject(Object.assign(new Error(error.errorMessage), { lambdaError: error, output: this.initOutput() })));
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
        // Nothing more arrives once it has gone: the logs still open are complete (the last takes any rest).
        const last = this.openLogs.at(-1);
        if (last) this.closeThrough(last, true);
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
    const deadline = setTimeout(finish, LOG_WAIT_MS);
    if (!this.launched || this.launched.exitInfo) startQuiet();
    else this.launched.once('exit', startQuiet);
  }

  /**
   * Runs one invocation; never rejects: every failure is an outcome. Without timeoutSeconds no deadline
   * applies (a debugger may hold the invocation as long as it likes). `waitForLog`: the outcome comes once
   * the invocation's output has all arrived, and (for a runtime without a tally) it is dispatched only once
   * the previous invocation's has; otherwise it comes as soon as the function answers.
   */
  async invoke(invocation: DispatchedInvocation, timeoutSeconds: number | undefined, stream?: ResponseStreamSink, waitForLog = true): Promise<InstanceOutcome> {
    this.setState('busy');
    this.invocations += 1;
    if (waitForLog && !this.channel.ourClient) await this.earlierLogsClosed();
    const started = process.hrtime.bigint();
    const elapsedMs = () => Number(process.hrtime.bigint() - started) / 1e6;
    const requestId = invocation.requestId;
    const log = this.openLog(requestId);

    return new Promise<InstanceOutcome>((resolve) => {
      let finished = false;
      /** `tally`: undefined for a runtime that reports none (wait for quiet), null when the instance is lost (take what there is). */
      const finish = (outcome: Omit<InstanceOutcome, 'output' | 'maxMemoryKB'>, tally: OutputTally | undefined | null) => {
        if (finished) return;
        finished = true;
        this.abortCurrent = undefined;
        clearTimeout(timer);
        this.channel.off('answer', onAnswer);
        this.launched?.off('exit', onExit);
        this.lastDurationMs = outcome.durationMs;
        if (tally === null) this.closeThrough(log, true);
        else this.answered(log, tally, waitForLog);
        const result: InstanceOutcome = { ...outcome, output: log.output, maxMemoryKB: tally?.maxRssKB };
        if (waitForLog) void log.output.then(() => resolve(result));
        else resolve(result);
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
      if (this.launched?.exitInfo) return onExit(this.launched.exitInfo);
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

  /** Opens the invocation's log as it is dispatched; the first dispatch chooses how output is attributed. */
  private openLog(requestId: string): OpenLog {
    if (!this.ledger) {
      // Output before now was shown live already (as output of no invocation yet): replayed into the ledger unshown.
      let replaying = true;
      const emit = (id: string | undefined, text: string) => {
        if (!replaying) this.logEvents.write(id, text);
      };
      const ledger = this.channel.ourClient ? new TallyLedger(emit) : new RequestIdLedger(emit);
      for (const { stream, data } of this.beforeFirstDispatch.splice(0)) ledger.push(stream, data);
      replaying = false;
      this.ledger = ledger;
    }
    let settle!: (output: string) => void;
    const output = new Promise<string>((resolve) => (settle = resolve));
    const log: OpenLog = { requestId, answered: false, output, settle, timers: [] };
    this.closeEarlierLogsSoon(Math.max(this.quietMs(), UNWAITED_AFTER_NEXT_MS));
    this.openLogs.push(log);
    this.ledger.dispatched(requestId);
    return log;
  }

  /**
   * The logs still open take the lines tagged with their id for a while more, then close: from now on the
   * untagged lines are the next invocation's.
   */
  private closeEarlierLogsSoon(afterMs: number): void {
    for (const earlier of this.openLogs) if (earlier.answered) earlier.timers.push(setTimeout(() => this.closeSoon(earlier), afterMs));
  }

  /** For a caller that wants its own log exactly: the logs still open close first (at most a quiet period on). */
  private earlierLogsClosed(): Promise<unknown> {
    const last = this.openLogs.at(-1);
    if (!last) return Promise.resolve();
    this.closeEarlierLogsSoon(this.quietMs());
    return last.output;
  }

  /**
   * A close decided by a timer waits for the output already waiting to be read (after a pause of this
   * process, the timers run before I/O): output that has arrived in the meantime restarts a quiet period.
   */
  private closeSoon(log: OpenLog, unlessOutput = false): void {
    const seen = this.outputCount;
    setImmediate(() => {
      if (!unlessOutput || this.outputCount === seen) this.closeThrough(log);
    });
  }

  /**
   * The invocation answered: its log closes when its output has all arrived. With our client's tally, once as
   * much has arrived as it reported; for other runtimes, once the output has been quiet a moment, or a
   * quiet period after the next dispatch, or at a deadline.
   */
  private answered(log: OpenLog, tally: OutputTally | undefined, waited: boolean): void {
    log.answered = true;
    this.ledger?.answered(log.requestId, tally);
    if (this.channel.ourClient) {
      log.timers.push(setTimeout(() => this.closeThrough(log), LOG_WAIT_MS));
      this.outputArrived();
      return;
    }
    const quietMs = waited ? this.quietMs() : Math.max(this.quietMs(), UNWAITED_QUIET_MS);
    log.quietTimer = setTimeout(() => this.closeSoon(log, true), quietMs);
    // A caller waits at most a little past the quiet period; a log nobody waits for may take longer.
    log.timers.push(log.quietTimer, setTimeout(() => this.closeSoon(log), waited ? quietMs + 200 : LOG_WAIT_MS));
  }

  /** Closes the logs complete by the tally, and restarts the quiet periods. */
  private outputArrived(): void {
    this.outputCount += 1;
    for (const log of this.openLogs) log.quietTimer?.refresh();
    const head = this.openLogs[0];
    if (head?.answered && this.ledger?.complete(head.requestId)) this.closeThrough(head);
  }

  /** Closes the log and every earlier one (in order: output is taken in order); `rest`: it takes all there is. */
  private closeThrough(log: OpenLog, rest = false): void {
    if (!this.openLogs.includes(log)) return;
    for (;;) {
      const first = this.openLogs.shift()!;
      for (const timer of first.timers) clearTimeout(timer);
      first.settle(this.ledger?.close(first.requestId, rest && first === log) ?? '');
      if (first === log) break;
    }
    // A tally reached by the last output may complete the next one too.
    const head = this.openLogs[0];
    if (head?.answered && this.ledger?.complete(head.requestId)) this.closeThrough(head);
  }

  /** How long the output of a runtime without a tally must be quiet: at least QUIET_MS, more while the stream lags. */
  private quietMs(): number {
    return Math.min(MAX_QUIET_MS, Math.max(QUIET_MS, Math.ceil(3 * this.lagMs) + 5));
  }

  /** What the instance wrote before an init failure, all of it before any dispatch. */
  private initOutput(): string {
    const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
    return this.beforeFirstDispatch.map(({ stream, data }) => decoders[stream].write(data)).join('');
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
