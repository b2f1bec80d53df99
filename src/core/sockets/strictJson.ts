import { malformed } from './errors';

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

const MAX_DEPTH = 32;

/**
 * JSON.parse that refuses what the engine would read differently from us: a key that appears twice in
 * one object, also as a case variant ("Privileged" and "privileged": Go decodes keys case-insensitively
 * and keeps the last), nesting deeper than 32, and anything after the value. Objects have no prototype.
 */
export function parseStrictJson(text: string): JsonValue {
  const parser = new StrictJsonParser(text);
  parser.skipSpace();
  const value = parser.value(0);
  parser.skipSpace();
  if (!parser.atEnd()) throw malformed('JSON body has data after the value');
  return value;
}

class StrictJsonParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  skipSpace(): void {
    while (this.pos < this.text.length && ' \t\r\n'.includes(this.text[this.pos]!)) this.pos++;
  }

  value(depth: number): JsonValue {
    if (depth > MAX_DEPTH) throw malformed('JSON body is nested too deeply');
    const c = this.text[this.pos];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    if (c === 't') return this.literal('true', true);
    if (c === 'f') return this.literal('false', false);
    if (c === 'n') return this.literal('null', null);
    return this.number();
  }

  private object(depth: number): JsonObject {
    this.pos++;
    const result = Object.create(null) as JsonObject;
    const seen = new Set<string>();
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return result;
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== '"') throw malformed('JSON body has an object key that is not a string');
      const key = this.string();
      const folded = key.toLowerCase();
      if (seen.has(folded)) throw malformed(`JSON body has the key "${key}" twice (or in two cases)`);
      seen.add(folded);
      this.skipSpace();
      this.expect(':');
      this.skipSpace();
      result[key] = this.value(depth + 1);
      this.skipSpace();
      const c = this.text[this.pos++];
      if (c === '}') return result;
      if (c !== ',') throw malformed('JSON body is malformed (expected , or })');
    }
  }

  private array(depth: number): JsonValue[] {
    this.pos++;
    const result: JsonValue[] = [];
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return result;
    }
    for (;;) {
      this.skipSpace();
      result.push(this.value(depth + 1));
      this.skipSpace();
      const c = this.text[this.pos++];
      if (c === ']') return result;
      if (c !== ',') throw malformed('JSON body is malformed (expected , or ])');
    }
  }

  private string(): string {
    const start = this.pos;
    this.pos++;
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c === 0x5c) this.pos += 2;
      else if (c === 0x22) break;
      else if (c < 0x20) throw malformed('JSON body has a control character in a string');
      else this.pos++;
    }
    if (this.pos >= this.text.length) throw malformed('JSON body has an unterminated string');
    this.pos++;
    try {
      return JSON.parse(this.text.slice(start, this.pos)) as string;
    } catch {
      throw malformed('JSON body has a malformed string');
    }
  }

  private number(): number {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.text.slice(this.pos, this.pos + 64));
    if (!m) throw malformed('JSON body is malformed');
    this.pos += m[0].length;
    return Number(m[0]);
  }

  private literal<T extends JsonValue>(word: string, value: T): T {
    if (this.text.slice(this.pos, this.pos + word.length) !== word) throw malformed('JSON body is malformed');
    this.pos += word.length;
    return value;
  }

  private expect(c: string): void {
    if (this.text[this.pos] !== c) throw malformed(`JSON body is malformed (expected ${c})`);
    this.pos++;
  }
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a request body that must be a JSON object (an empty body reads as {}). */
export function parseJsonObjectBody(body: Buffer): JsonObject {
  if (body.length === 0) return Object.create(null) as JsonObject;
  const text = body.toString('utf8');
  if (text.includes('\ufffd')) throw malformed('JSON body is not valid UTF-8');
  const value = parseStrictJson(text);
  if (!isJsonObject(value)) throw malformed('JSON body must be an object');
  return value;
}
