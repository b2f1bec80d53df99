/** The account and region the local ARNs name; Lambda Dock has no real account. */
export interface ArnScope {
  region: string;
  accountId: string;
}

export const DEFAULT_ARN_SCOPE: ArnScope = { region: 'us-east-1', accountId: '000000000000' };

export const LATEST = '$LATEST';

export function functionArn(scope: ArnScope, name: string, qualifier?: string): string {
  const base = `arn:aws:lambda:${scope.region}:${scope.accountId}:function:${name}`;
  return qualifier === undefined ? base : `${base}:${qualifier}`;
}

export interface FunctionRef {
  name: string;
  qualifier?: string;
}

// Lambda's FunctionName pattern: name, name:qualifier, 123456789012:function:name[:q], or the full ARN.
const FUNCTION_NAME =
  /^(?:arn:(?:aws[a-zA-Z-]*)?:lambda:)?(?:[a-z]{2}(?:-gov)?-[a-z]+-\d:)?(?:\d{12}:)?(?:function:)?([a-zA-Z0-9_.-]+)(?::(\$LATEST|[a-zA-Z0-9_-]+))?$/;

/**
 * Reads the FunctionName path parameter in any of Lambda's forms. Region and account are not checked:
 * a client configured for another region still reaches the local function.
 */
export function parseFunctionRef(raw: string): FunctionRef | undefined {
  if (raw.indexOf(':') === -1) {
    return raw.length > 0 && raw.length <= 64 ? { name: raw } : undefined;
  }
  const match = FUNCTION_NAME.exec(raw);
  if (match === null) return undefined;
  return match[2] === undefined ? { name: match[1] } : { name: match[1], qualifier: match[2] };
}
