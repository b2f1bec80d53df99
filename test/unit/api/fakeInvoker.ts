import { randomUUID } from 'node:crypto';
import { type ErrorCode, LambdaDockError } from '../../../src/core/errors';
import { type FunctionDefinition, withLambdaDefaults } from '../../../src/core/functions/definition';
import { type FunctionInvoker, INVOKE_ERROR_CODES } from '../../../src/core/runtime/invoker';
import type { InvokeOptions, InvokeResult, LambdaError } from '../../../src/core/runtime/invokeResult';

/** What a fake function does with one invocation: its response, a function error, or an engine rejection. */
export type FakeBehavior = (payload: Buffer, options: InvokeOptions, requestId: string) => Promise<FakeOutcome> | FakeOutcome;
export type FakeOutcome = { ok: unknown } | { raw: Buffer } | { error: LambdaError } | { reject: LambdaDockError };

export interface FakeCall {
  name: string;
  payload: Buffer;
  options: InvokeOptions;
  requestId: string;
}

/**
 * An honest in-memory FunctionInvoker for unit tests of the Invoke API: functions from definitions,
 * invoke runs a behavior and returns an InvokeResult shaped as the engine's (logs START..END..REPORT).
 */
export class FakeInvoker implements FunctionInvoker {
  readonly calls: FakeCall[] = [];
  private readonly definitions = new Map<string, FunctionDefinition>();
  private readonly behaviors = new Map<string, FakeBehavior>();

  add(partial: Partial<FunctionDefinition> & { name: string }, behavior: FakeBehavior): this {
    const definition = withLambdaDefaults({
      runtime: 'nodejs20.x',
      handler: 'index.handler',
      codeDir: `/work/fns/${partial.name}`,
      source: { file: 'template.yaml', line: 1 },
      ...partial,
    });
    this.definitions.set(definition.name, definition);
    this.behaviors.set(definition.name, behavior);
    return this;
  }

  remove(name: string): void {
    this.definitions.delete(name);
    this.behaviors.delete(name);
  }

  functions(): readonly FunctionDefinition[] {
    return [...this.definitions.values()];
  }

  getFunction(name: string): FunctionDefinition | undefined {
    return this.definitions.get(name);
  }

  async invoke(name: string, payload: Buffer, options: InvokeOptions = {}): Promise<InvokeResult> {
    const behavior = this.behaviors.get(name);
    if (behavior === undefined) {
      throw new LambdaDockError(INVOKE_ERROR_CODES.functionNotFound, `Function ${name} is not deployed`);
    }
    const requestId = randomUUID();
    this.calls.push({ name, payload, options, requestId });
    const outcome = await behavior(payload, options, requestId);
    if ('reject' in outcome) throw outcome.reject;
    const logs = `START RequestId: ${requestId} Version: $LATEST\nlog line for ${name}\nEND RequestId: ${requestId}\nREPORT RequestId: ${requestId}\tDuration: 1.00 ms\n`;
    const base = {
      requestId,
      functionName: name,
      logs,
      report: { durationMs: 1, billedDurationMs: 1, memorySizeMB: 128, maxMemoryUsedMB: 40 },
      coldStart: false,
      instanceId: 'fake-1',
    };
    if ('error' in outcome) {
      return { ...base, status: 'error', error: outcome.error, payload: Buffer.from(JSON.stringify(outcome.error)) };
    }
    const bytes = 'raw' in outcome ? outcome.raw : Buffer.from(JSON.stringify(outcome.ok) ?? 'null');
    return { ...base, status: 'ok', payload: bytes };
  }
}

export const reject = (code: ErrorCode, message: string): FakeOutcome => ({ reject: new LambdaDockError(code, message) });
