import { forbidden, malformed } from './errors';

/** The API versions a scoped socket accepts: very old ones accepted host settings at start. */
export const MIN_API_MINOR = 24;
export const MAX_API_MINOR = 47;

/** A request target read once: the version prefix, the decoded path segments, the decoded query. */
export interface CanonicalTarget {
  /** '1.41' when the path carried `/v1.41`, else undefined (the engine's own default). */
  version?: string;
  segments: string[];
  query: Map<string, string>;
}

const MAX_TARGET_LENGTH = 8192;
const VERSION_SEGMENT = /^v([1-9][0-9]*)\.(0|[1-9][0-9]*)$/;

/**
 * Reads a request target exactly one way: one percent-decoding, no `.` or `..` segments, no encoded
 * slashes, backslashes, dots or percent signs, no empty (doubled) segments, a bounded `/vX.Y` prefix and
 * a query without duplicate keys. Anything else is refused rather than interpreted.
 */
export function canonicalizeTarget(target: string): CanonicalTarget {
  if (target.length === 0 || target.length > MAX_TARGET_LENGTH) throw malformed('request target is empty or too long');
  if (target[0] !== '/') throw malformed('request target must be an absolute path');
  if (!/^[\x21-\x7e]+$/.test(target)) throw malformed('request target has characters outside printable ASCII');
  if (target.includes('#')) throw malformed('request target has a fragment');

  const q = target.indexOf('?');
  const rawPath = q === -1 ? target : target.slice(0, q);
  const rawQuery = q === -1 ? '' : target.slice(q + 1);

  if (rawPath.includes('\\')) throw forbidden('path has a backslash');
  const rawSegments = rawPath.slice(1).split('/');
  const segments: string[] = [];
  for (const raw of rawSegments) {
    if (raw === '') throw forbidden('path has an empty or doubled slash');
    const segment = decodeSegment(raw);
    if (segment === '.' || segment === '..') throw forbidden('path has a dot segment');
    segments.push(segment);
  }

  let version: string | undefined;
  const first = segments[0];
  if (first !== undefined && /^v[0-9]/.test(first)) {
    const m = VERSION_SEGMENT.exec(first);
    if (!m) throw malformed(`API version prefix ${first} is not of the form vX.Y`);
    const major = Number(m[1]);
    const minor = Number(m[2]);
    if (major !== 1 || minor < MIN_API_MINOR || minor > MAX_API_MINOR) {
      throw forbidden(`API version ${major}.${minor} is outside 1.${MIN_API_MINOR}-1.${MAX_API_MINOR}`);
    }
    version = `${major}.${minor}`;
    segments.shift();
  }
  if (segments.length === 0) throw forbidden('no route at the root');

  return { version, segments, query: parseQuery(rawQuery) };
}

/** One percent-decoding of a path segment; encoded separators, dots and percent signs are refused. */
function decodeSegment(raw: string): string {
  if (!raw.includes('%')) return raw;
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c !== 0x25) {
      bytes.push(c);
      continue;
    }
    const hex = raw.slice(i + 1, i + 3);
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw malformed('path has a malformed percent-encoding');
    const b = parseInt(hex, 16);
    if (b === 0x2f || b === 0x5c) throw forbidden('path has an encoded slash or backslash');
    if (b === 0x2e) throw forbidden('path has an encoded dot');
    if (b === 0x25) throw forbidden('path is encoded twice');
    if (b < 0x20 || b === 0x7f) throw forbidden('path has an encoded control character');
    bytes.push(b);
    i += 2;
  }
  const decoded = Buffer.from(bytes).toString('utf8');
  if (decoded.includes('\ufffd')) throw malformed('path is not valid UTF-8');
  return decoded;
}

function decodeQueryPart(raw: string): string {
  if (/%(?![0-9a-fA-F]{2})/.test(raw)) throw malformed('query has a malformed percent-encoding');
  const decoded = decodeURIComponent(raw.replace(/\+/g, ' '));
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(decoded)) throw malformed('query has a control character');
  return decoded;
}

function parseQuery(raw: string): Map<string, string> {
  const query = new Map<string, string>();
  if (raw === '') return query;
  if (raw.includes(';')) throw malformed('query has a semicolon');
  for (const pair of raw.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    let key: string;
    let value: string;
    try {
      key = decodeQueryPart(eq === -1 ? pair : pair.slice(0, eq));
      value = eq === -1 ? '' : decodeQueryPart(pair.slice(eq + 1));
    } catch (error) {
      if (error instanceof URIError) throw malformed('query is not valid UTF-8');
      throw error;
    }
    if (query.has(key)) throw malformed(`query parameter ${key} appears twice`);
    query.set(key, value);
  }
  return query;
}

/** Builds the path sent upstream from canonical pieces; every segment is re-encoded by us. */
export function upstreamPath(version: string | undefined, segments: readonly string[], query?: Map<string, string>): string {
  const path = (version ? `/v${version}/` : '/') + segments.map(encodeSegment).join('/');
  if (!query || query.size === 0) return path;
  const parts: string[] = [];
  for (const [k, v] of query) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  return `${path}?${parts.join('&')}`;
}

function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/%3A/g, ':').replace(/%40/g, '@');
}
