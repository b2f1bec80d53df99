import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { isObj, type Obj } from './projectFileReader';
import { parseYaml } from './yamlSource';

/** Says why a variable cannot be resolved here, at the place in the file that uses it. */
export type UnresolvedReport = (at: string[], message: string) => void;

const MAX_DEPTH = 10;
/** A variable with no other variable inside it: resolved first, so `${file(./${sls:stage}.yml):x}` works. */
const INNERMOST = /\$\{([^${}]*)\}/;
const FILE_REFERENCE = /^file\((.+?)\)(?::(.+))?$/;
const ACCOUNT_ID = '123456789012';

/**
 * serverless.yml's variables as the Framework resolves them, for what can be known without AWS:
 * `${self:...}`, `${opt:stage|region}`, `${sls:stage}`, `${env:X}`, `${aws:region|accountId}`,
 * `${file(./f.yml|json):path}`, nested in any order, with `, fallback`s. A whole-string variable keeps its
 * value's type (an object from a file stays an object); others are joined into the string.
 */
export class ServerlessVariables {
  /** The files `${file(...)}` read, absolute: a save of one rediscovers the workspace. */
  readonly files: string[] = [];

  constructor(
    private readonly service: Obj,
    private readonly dir: string,
    /** undefined while the stage itself is being worked out (provider.stage: ${opt:stage, 'prod'}). */
    private readonly stage: string | undefined,
    private readonly report: UnresolvedReport,
  ) {}

  resolve(value: unknown, at: string[], depth = 0): unknown {
    if (typeof value === 'string') return this.substitute(value, at, depth);
    if (Array.isArray(value)) return value.map((v, i) => this.resolve(v, [...at, String(i)], depth));
    if (isObj(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.resolve(v, [...at, k], depth)]));
    return value;
  }

  private substitute(text: string, at: string[], depth: number): unknown {
    let current = text;
    for (let round = 0; round < 50; round++) {
      const match = INNERMOST.exec(current);
      if (!match) return current;
      const value = this.variable(match[1], at, depth);
      // The whole string is this one variable: its value as it is (an object, a number, a list).
      if (match[0] === current) return value;
      current = current.slice(0, match.index) + (typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value ?? '')) + current.slice(match.index + match[0].length);
    }
    return current;
  }

  private variable(expression: string, at: string[], depth: number): unknown {
    const [expr, ...fallbacks] = splitTopLevel(expression);
    let value = this.lookup(expr.trim(), at, depth);
    for (const fallback of fallbacks) {
      if (value !== undefined) break;
      value = fallbackValue(fallback.trim(), (e) => this.lookup(e, at, depth));
    }
    if (value === undefined) {
      this.report(at, `\${${expression}} cannot be resolved locally; give it a default (\${${expr.trim()}, 'value'}) or set it`);
      return '';
    }
    return value;
  }

  private lookup(expr: string, at: string[], depth: number): unknown {
    if (expr === 'opt:stage' || expr === 'sls:stage' || expr === 'self:provider.stage') return this.stage;
    if (expr === 'opt:region' || expr === 'aws:region' || expr === 'self:provider.region') {
      return typeof this.provider.region === 'string' && !this.provider.region.includes('${') ? this.provider.region : 'us-east-1';
    }
    if (expr === 'aws:accountId') return ACCOUNT_ID;
    if (expr.startsWith('env:')) return process.env[expr.slice(4)];
    if (expr.startsWith('self:')) return this.deeper(pick(this.service, expr.slice(5)), at, depth);
    const file = FILE_REFERENCE.exec(expr);
    if (file) return this.deeper(this.fileValue(file[1].trim().replace(/^['"]|['"]$/g, ''), file[2], at), at, depth);
    return undefined;
  }

  /** A value that itself holds variables (self:custom.x pointing at ${env:...}) is resolved in turn. */
  private deeper(value: unknown, at: string[], depth: number): unknown {
    return value !== undefined && depth < MAX_DEPTH ? this.resolve(value, at, depth + 1) : value;
  }

  private fileValue(relative: string, property: string | undefined, at: string[]): unknown {
    const file = path.resolve(this.dir, relative);
    if (!this.files.includes(file)) this.files.push(file);
    if (!/\.(ya?ml|json)$/i.test(file)) {
      this.report(at, `\${file(${relative})} is JavaScript or another format run by the Framework, not read locally; use a .yml or .json file, or give it a default`);
      return undefined;
    }
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
    const parsed = parseYaml(text);
    if (parsed.errors.length) {
      this.report(at, `${relative} does not parse: ${parsed.errors[0].message} (line ${parsed.errors[0].line}); fix the YAML or JSON`);
      return undefined;
    }
    return property === undefined ? parsed.value : pick(parsed.value, property);
  }

  private get provider(): Obj {
    return isObj(this.service.provider) ? this.service.provider : {};
  }
}

function pick(root: unknown, dotted: string): unknown {
  return dotted.split('.').filter(Boolean).reduce<unknown>((node, key) => (isObj(node) ? node[key] : Array.isArray(node) ? node[Number(key)] : undefined), root);
}

/** A fallback: a quoted string, a number or boolean, or another variable source without its ${}. */
function fallbackValue(text: string, lookup: (expr: string) => unknown): unknown {
  const quoted = /^(['"])(.*)\1$/s.exec(text);
  if (quoted) return quoted[2];
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === 'null') return undefined;
  return /^[a-z]+:|^file\(/.test(text) ? lookup(text) : text;
}

/** Splits `a, b, 'c, d'` on the commas outside quotes and parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: string | undefined;
  let parens = 0;
  for (const c of text) {
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '(') {
      parens++;
    } else if (c === ')') {
      parens--;
    } else if (c === ',' && parens === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  parts.push(current);
  return parts;
}
