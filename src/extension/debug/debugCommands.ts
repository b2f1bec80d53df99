import { payloadArgOf } from '../commands/args';
import type { CommandSpec } from '../commands/command';
import { askPayload, invoke, resolvePayload, type InvokeSummary } from '../commands/invoke';
import { readPayloadFile } from '../invoke/savedEvents';
import { pickFunction } from '../commands/pickers';
import type { LambdaDockContext } from '../context';

/**
 * Lambda Dock: Debug Function... — Invoke Function's arguments, pickers and result, on an instance that
 * waits for the debugger VS Code attaches before the handler runs.
 */
export const debugFunction: CommandSpec = {
  id: 'lambdaDock.debugFunction',
  title: 'Debug Function',
  async run({ ctx }, functionArg, payloadArg) {
    ctx.requireWorkspace();
    await ctx.ensureHost();
    const functionName = await pickFunction(ctx, functionArg, 'The function to debug');
    const given = payloadArgOf(payloadArg);
    return debugInvoke(ctx, functionName, given ? await resolvePayload(ctx, functionName, given) : await askedPayload(ctx, functionName));
  },
};

/** Invoke Function's payload picker; a choice Invoke would open in an editor first is sent as it is. */
async function askedPayload(ctx: LambdaDockContext, functionName: string): Promise<Buffer> {
  const choice = await askPayload(ctx, functionName);
  return 'send' in choice ? readPayloadFile(choice.send) : resolvePayload(ctx, functionName, choice.edit);
}

/** One debugged invocation: in debug mode on the function's debugged instance, else on one of its own. */
export function debugInvoke(ctx: LambdaDockContext, functionName: string, payload: Buffer): Promise<InvokeSummary> {
  return invoke(ctx, functionName, payload, ctx.debugSessions.isDebugMode(functionName) ? undefined : ctx.debugSessions.invocationOptions());
}

/**
 * Lambda Dock: Toggle Debug Mode — while on, every invocation of the function (the Invoke API, Function
 * URLs, HTTP routes, the editor) runs on one debugged instance with a debug session attached.
 */
export const toggleDebugMode: CommandSpec = {
  id: 'lambdaDock.toggleDebugMode',
  title: 'Toggle Debug Mode',
  async run({ ctx, views }, functionArg) {
    const functionName = await pickFunction(ctx, functionArg, 'The function whose invocations to debug');
    const on = !ctx.debugSessions.isDebugMode(functionName);
    await ctx.debugSessions.setDebugMode(functionName, on);
    await views.refreshNow();
    return { functionName, debugMode: on };
  },
};
