import type { FunctionDefinition } from '../functions/definition';
import type { FunctionInvoker } from '../runtime/invoker';
import { type ArnScope, LATEST, functionArn, parseFunctionRef } from './arn';
import { buildFailed } from '../runtime/invokeErrors';
import { apiErrors, toApiException } from './errors';

export interface ResolvedFunction {
  definition: FunctionDefinition;
  /** The version that runs: local functions have only $LATEST. */
  executedVersion: string;
  /** The ARN as the caller qualified it, for messages. */
  arn: string;
}

/**
 * Finds the function a request names (name, partial or full ARN; qualifier in the name or in
 * ?Qualifier=), or throws the exception Lambda answers with.
 */
export function resolveFunction(
  invoker: FunctionInvoker,
  scope: ArnScope,
  rawName: string,
  queryQualifier: string | undefined,
): ResolvedFunction {
  const ref = parseFunctionRef(rawName);
  if (ref === undefined) {
    throw apiErrors.badParameter(
      `FunctionName '${rawName}' is not a function name, a partial ARN (123456789012:function:NAME) or a function ARN`,
    );
  }
  if (ref.qualifier !== undefined && queryQualifier !== undefined && ref.qualifier !== queryQualifier) {
    throw apiErrors.badParameter(
      `The qualifier in the function name (${ref.qualifier}) does not match the Qualifier parameter (${queryQualifier})`,
    );
  }
  const qualifier = ref.qualifier ?? queryQualifier;
  const definition = invoker.getFunction(ref.name);
  if (definition === undefined) {
    // A function that has never built is still the workspace's: say why it cannot run, not that it is unknown.
    const failure = invoker.buildFailureOf?.(ref.name);
    if (failure) throw toApiException(buildFailed(ref.name, failure), functionArn(scope, ref.name, qualifier));
    throw apiErrors.functionNotFound(functionArn(scope, ref.name, qualifier));
  }
  if (qualifier !== undefined && qualifier !== LATEST) {
    // A local function has one version; aliases and published versions do not exist here.
    throw apiErrors.functionNotFound(functionArn(scope, ref.name, qualifier));
  }
  return { definition, executedVersion: LATEST, arn: functionArn(scope, ref.name, qualifier ?? LATEST) };
}
