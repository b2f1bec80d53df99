import * as fs from 'node:fs';
import * as path from 'node:path';
import { isNamed, type FunctionDefinition } from '../../core/functions/definition';
import { functionNotFound } from '../../core/runtime/invokeErrors';
import { errorStack, type InvokeResult } from '../../core/runtime/invokeResult';
import { stringOption, untilAborted, type CliCommand, type CommandContext } from '../command';
import { readPayload } from '../payload';
import { debugInvokeOptions, debugNeedsOneFunction, debugOptionsOf } from '../debugTarget';
import { WORKSPACE_ERROR_CODES } from '../../core/workspace';
import { DISCOVERY_OPTIONS, DISCOVERY_USAGE, discover, formatProblem, STANDBY_OPTIONS, STANDBY_USAGE, standbyOption, startHost } from '../startHost';
import { packageFunctions } from '../../core/workspace/packager';
import { CLI_ERRORS, cliError } from '../errors';

export const invokeCommand: CliCommand = {
  name: 'invoke',
  summary: 'Invoke a function (or every function with --all, each with events/FUNCTION.json) and print its response',
  usage:
    `lambda-dock invoke FUNCTION [--payload JSON | --payload-file FILE] [--debug-port PORT] ${STANDBY_USAGE} ${DISCOVERY_USAGE} [--workspace DIR] [--json]\n` +
    `       lambda-dock invoke --all ${STANDBY_USAGE} ${DISCOVERY_USAGE} [--workspace DIR] [--json]\n` +
    '       (--debug-port: wait for a debugger on 127.0.0.1:PORT before the handler runs; 0 picks a free port)',
  options: {
    ...DISCOVERY_OPTIONS,
    ...STANDBY_OPTIONS,
    payload: { type: 'string' },
    'payload-file': { type: 'string' },
    all: { type: 'boolean' },
    'debug-port': { type: 'string' },
  },
  async run(context) {
    const all = context.values.all === true;
    const name = context.positionals[0];
    if (!all && !name) throw cliError(CLI_ERRORS.usage, 'Name the function to invoke: lambda-dock invoke FUNCTION (see lambda-dock functions), or use --all.');
    // Everything the user typed is checked before an instance starts, so bad input leaves nothing running.
    const explicitPayload = all ? undefined : readPayload(stringOption(context, 'payload'), stringOption(context, 'payload-file'));
    const debug = debugOptionsOf(context);
    if (debug && all) throw debugNeedsOneFunction();
    standbyOption(context);
    // Invoking one function, only its own problems matter; they are reported below as the error.
    const { functions, problems } = await discover(context, { quiet: !all });
    const targets = all ? functions : functions.filter((fn) => isNamed(fn, name));
    // A function the workspace itself says cannot run is reported here, before an instance starts for nothing.
    const listed = (list: typeof problems) => list.map((p) => `  ${formatProblem(p, context.workspace)}`).join('\n');
    if (!all && targets.length === 0) {
      if (problems.length === 0) throw functionNotFound(name, functions.map((fn) => fn.name));
      // A file that does not parse may be where the function was meant to be: say what is wrong with it.
      throw cliError(CLI_ERRORS.functionInvalid, `${name} is not among the functions that loaded (${functions.map((fn) => fn.name).join(', ') || 'none'}); the workspace has problems:\n${listed(problems)}`);
    }
    const own = all ? [] : problems.filter((p) => p.functionName === (targets[0]?.name ?? name));
    if (own.some((p) => p.code === WORKSPACE_ERROR_CODES.handlerNotFound)) {
      throw cliError(CLI_ERRORS.functionInvalid, `${name} cannot run:\n${listed(own)}`);
    }
    if (targets.length === 0) {
      context.out(`No functions in ${context.workspace} to invoke.`);
      return 0;
    }
    const payloads = targets.map((fn) => explicitPayload ?? samplePayload(context, fn));

    // Built (esbuild, package patterns, dependencies) and packaged before an engine starts: a build that
    // fails is reported with its file and line, and nothing runs.
    const packaged = await untilAborted(packageFunctions(targets, context.signal, (warning) => context.log.warn(warning)), context.signal);
    const host = await startHost(context, { runsFunctions: true });
    try {
      await untilAborted(host.deploy(packaged), context.signal);
      const results: InvokeResult[] = [];
      for (const [i, fn] of targets.entries()) {
        context.signal.throwIfAborted();
        const result = await untilAborted(host.invoke(fn.name, payloads[i], debug ? { debug: debugInvokeOptions(debug.port, fn) } : {}), context.signal);
        results.push(result);
        if (!context.json) printResult(context, result, all);
      }
      if (context.json) {
        const shaped = results.map(jsonResult);
        context.out(JSON.stringify(all ? shaped : shaped[0], null, 2));
      }
      // One function's error fails a single invoke; with --all, every function having run is success.
      if (all) {
        const failed = results.filter((r) => r.status === 'error').length;
        if (!context.json) context.out(`\n${results.length} invoked: ${results.length - failed} ok, ${failed} with a function error`);
        return 0;
      }
      return results[0].status === 'error' ? 1 : 0;
    } finally {
      await host.dispose();
    }
  },
};

/** events/FUNCTION.json beside the workspace or the function's template, else an empty object. */
function samplePayload(context: CommandContext, fn: FunctionDefinition): Buffer {
  for (const dir of [path.dirname(fn.source.file), context.workspace]) {
    const file = path.join(dir, 'events', `${fn.name}.json`);
    if (fs.existsSync(file)) return readPayload(undefined, file);
  }
  return Buffer.from('{}');
}

function parsedPayload(result: InvokeResult): unknown {
  const text = result.payload.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function jsonResult(result: InvokeResult): Record<string, unknown> {
  return {
    functionName: result.functionName,
    requestId: result.requestId,
    status: result.status,
    payload: result.status === 'ok' ? parsedPayload(result) : null,
    error: result.error ? { errorType: result.error.errorType, errorMessage: result.error.errorMessage, trace: errorStack(result.error) } : null,
    logs: result.logs,
    report: {
      durationMs: result.report.durationMs,
      billedDurationMs: result.report.billedDurationMs,
      initDurationMs: result.report.initDurationMs ?? null,
      maxMemoryUsedMB: result.report.maxMemoryUsedMB,
    },
    coldStart: result.coldStart,
  };
}

function printResult(context: CommandContext, result: InvokeResult, withHeader: boolean): void {
  if (withHeader) context.out(`== ${result.functionName} (${result.status === 'ok' ? 'ok' : result.error?.errorType})`);
  process.stderr.write(result.logs);
  const payload = parsedPayload(result);
  context.out(typeof payload === 'string' ? payload : JSON.stringify(payload, null, 2));
}
