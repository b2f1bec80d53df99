import { WORKSPACE_ERROR_CODES, workspaceError } from './errors';

const KEY = '[A-Za-z0-9]+';
const CFN_FORM = new RegExp(`^ParameterKey=(${KEY}),ParameterValue=(.*)$`, 's');
const PAIR_FORM = new RegExp(`^(${KEY})=(.*)$`, 's');
/** Where a comma starts another Key=Value (the older `A=1,B=2` form); a comma inside a value (a list) stays. */
const NEXT_PAIR = new RegExp(`,(?=${KEY}=)`);

/**
 * Template parameter values as `sam --parameter-overrides` reads them: space-separated `Key=Value` pairs or
 * `ParameterKey=Key,ParameterValue=Value` entries; values may be quoted ("a b", 'a b') or escape a space
 * with a backslash, and may hold commas (a CommaDelimitedList). `Key=Value,Key2=Value2` is read too.
 */
export function parseParameterOverrides(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const token of tokens(text)) {
    const cfn = CFN_FORM.exec(token);
    if (cfn) {
      values[cfn[1]] = unquote(cfn[2]);
      continue;
    }
    for (const pair of token.split(NEXT_PAIR)) {
      const match = PAIR_FORM.exec(pair);
      if (!match) {
        throw workspaceError(WORKSPACE_ERROR_CODES.invalidValue,
          `--parameter-overrides: ${JSON.stringify(pair)} is not a parameter value; write Key=Value pairs separated by spaces (Stage=prod Table=orders) or ParameterKey=Stage,ParameterValue=prod`);
      }
      values[match[1]] = unquote(match[2]);
    }
  }
  return values;
}

/** Splits on unquoted, unescaped whitespace; the quotes stay in the token (unquote removes them). */
function tokens(text: string): string[] {
  const found: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      current += c + text[++i];
    } else if (quote) {
      current += c;
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      current += c;
      quote = c;
    } else if (/\s/.test(c)) {
      if (current) found.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  if (current) found.push(current);
  return found;
}

function unquote(value: string): string {
  const wrapped = value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0];
  return (wrapped ? value.slice(1, -1) : value).replace(/\\ /g, ' ').replace(/\\"/g, '"').replace(/\\'/g, "'");
}
