import { forbidden, malformed } from './errors';
import { isJsonObject, type JsonObject, type JsonValue } from './strictJson';

/**
 * A rule for one field of a request body: returns the value to copy into the body we send, or undefined to
 * leave the field out; throws a refusal when the value is not allowed.
 */
export type FieldRule = (value: JsonValue, path: string) => JsonValue | undefined;
export type Schema = Readonly<Record<string, FieldRule>>;

/**
 * Builds a new object from `input`, field by field, through `schema`: a key the schema does not name is
 * refused, so nothing reaches the engine that was not read here.
 */
export function buildObject(input: JsonValue, schema: Schema, path: string): JsonObject | undefined {
  if (input === null) return undefined;
  if (!isJsonObject(input)) throw malformed(`${path || 'body'} must be an object`);
  const out: JsonObject = {};
  for (const key of Object.keys(input)) {
    if (!Object.hasOwn(schema, key)) throw forbidden(`${join(path, key)} is not a field a scoped socket accepts`);
    const copied = schema[key]!(input[key]!, join(path, key));
    if (copied !== undefined) out[key] = copied;
  }
  return out;
}

export const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);

export const object = (schema: Schema): FieldRule => (v, p) => buildObject(v, schema, p);

export const str: FieldRule = (v, p) => {
  if (typeof v !== 'string') throw malformed(`${p} must be a string`);
  return v;
};

export const bool: FieldRule = (v, p) => {
  if (typeof v !== 'boolean') throw malformed(`${p} must be true or false`);
  return v;
};

export const int =
  (min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): FieldRule =>
  (v, p) => {
    if (v === null) return undefined;
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw malformed(`${p} must be an integer`);
    if (v < min || v > max) throw forbidden(`${p} must be between ${min} and ${max}`);
    return v;
  };

export const strArray: FieldRule = (v, p) => {
  if (v === null) return undefined;
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw malformed(`${p} must be a list of strings`);
  return [...v];
};

export const intArray: FieldRule = (v, p) => {
  if (v === null) return undefined;
  if (!Array.isArray(v) || !v.every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0)) {
    throw malformed(`${p} must be a list of non-negative integers`);
  }
  return [...v];
};

/** Command lines: a list of strings, or one string (the engine splits nothing; it runs it through a shell). */
export const command: FieldRule = (v, p) => (typeof v === 'string' ? v : strArray(v, p));

export const strMap: FieldRule = (v, p) => {
  if (v === null) return undefined;
  if (!isJsonObject(v)) throw malformed(`${p} must be an object of strings`);
  const out: JsonObject = {};
  for (const [k, s] of Object.entries(v)) {
    if (typeof s !== 'string') throw malformed(`${join(p, k)} must be a string`);
    out[k] = s;
  }
  return out;
};

/** Objects whose values must be empty objects (ExposedPorts, Volumes). */
export const keySet =
  (checkKey: (key: string, path: string) => void): FieldRule =>
  (v, p) => {
    if (v === null) return undefined;
    if (!isJsonObject(v)) throw malformed(`${p} must be an object`);
    const out: JsonObject = {};
    for (const [k, inner] of Object.entries(v)) {
      if (!isJsonObject(inner) || Object.keys(inner).length > 0) throw malformed(`${join(p, k)} must be {}`);
      checkKey(k, join(p, k));
      out[k] = {};
    }
    return out;
  };

export const oneOf =
  (...allowed: string[]): FieldRule =>
  (v, p) => {
    if (typeof v !== 'string' || !allowed.includes(v)) throw forbidden(`${p} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
    return v === '' ? undefined : v;
  };

/** True for the values a client sends when it does not use a field: null, false, 0, "", [], {} (nested). */
export function isZero(v: JsonValue): boolean {
  if (v === null || v === false || v === 0 || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isJsonObject(v)) return Object.values(v).every(isZero);
  return false;
}

/** A field a scoped socket never sets: accepted only at its zero value, and never sent. */
export const refusedUnlessZero =
  (why: string): FieldRule =>
  (v, p) => {
    if (!isZero(v)) throw forbidden(`${p} is not allowed through a scoped socket (${why})`);
    return undefined;
  };

/** Like refusedUnlessZero, for lists where [] means something ("mask nothing"): only null is accepted. */
export const refusedUnlessNull =
  (why: string): FieldRule =>
  (v, p) => {
    if (v !== null) throw forbidden(`${p} is not allowed through a scoped socket (${why})`);
    return undefined;
  };

/** A field the client fills in for itself (ContainerIDFile): any string, never sent. */
export const clientSide: FieldRule = (v, p) => {
  if (typeof v !== 'string') throw malformed(`${p} must be a string`);
  return undefined;
};

/** Labels under our own prefix are refused: what carries them is decided by Lambda Dock, not a container. */
export const RESERVED_LABEL_PREFIX = 'lambda-dock.';

export const labels: FieldRule = (v, p) => {
  const map = strMap(v, p);
  if (map === undefined) return undefined;
  for (const key of Object.keys(map as JsonObject)) {
    if (key.toLowerCase().startsWith(RESERVED_LABEL_PREFIX)) throw forbidden(`${join(p, key)}: labels starting with ${RESERVED_LABEL_PREFIX} are reserved`);
  }
  return map;
};
