/** One statement of an IAM policy a Lambda authorizer returns. */
interface Statement {
  Effect?: unknown;
  Action?: unknown;
  Resource?: unknown;
}

function asList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return value === undefined || value === null ? [] : [String(value)];
}

/** IAM's wildcards: * for any run of characters, ? for one. */
function wildcardMatch(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return regex.test(value);
}

/**
 * Whether an authorizer's policy document allows invoking `arn`: an explicit Deny that matches wins, then
 * an Allow that matches; nothing matching is a deny. Undefined when the document is not a policy.
 */
export function policyAllows(policyDocument: unknown, arn: string): boolean | undefined {
  if (policyDocument === null || typeof policyDocument !== 'object') return undefined;
  const raw = (policyDocument as Record<string, unknown>).Statement;
  const statements = (Array.isArray(raw) ? raw : raw !== undefined ? [raw] : []) as Statement[];
  if (statements.length === 0) return undefined;
  let allowed = false;
  for (const statement of statements) {
    if (statement === null || typeof statement !== 'object') return undefined;
    const actions = asList(statement.Action);
    if (!actions.some((a) => wildcardMatch(a, 'execute-api:Invoke'))) continue;
    if (!asList(statement.Resource).some((r) => wildcardMatch(r, arn))) continue;
    const effect = String(statement.Effect);
    if (effect === 'Deny') return false;
    if (effect === 'Allow') allowed = true;
  }
  return allowed;
}
