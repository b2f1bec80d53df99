import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { badEngineAddress } from './errors';

/** The client side of TLS to an engine, as the docker client reads it from DOCKER_CERT_PATH or a context. */
export interface EngineTls {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** Check the engine's certificate against ca (DOCKER_TLS_VERIFY); false trusts any (DOCKER_TLS, SkipTLSVerify). */
  verify: boolean;
}

/** How this machine reaches an engine's API. */
export type EngineAddress =
  | { transport: 'unix'; socketPath: string }
  | { transport: 'tcp'; host: string; port: number; tls?: EngineTls }
  /** `docker system dial-stdio` on the remote host over the system's ssh client, as the docker client does it. */
  | { transport: 'ssh'; host: string; user?: string; port?: number };

/**
 * Reads a DOCKER_HOST-style value: unix:///path (or a bare path), tcp://host:port, ssh://[user@]host[:port].
 * TLS for tcp:// comes from the environment as the docker client reads it: DOCKER_TLS_VERIFY (verify with
 * DOCKER_CERT_PATH/ca.pem) or DOCKER_TLS (encrypt, trust any certificate), client certificate from
 * DOCKER_CERT_PATH (default ~/.docker).
 */
export function parseEngineHost(value: string, env: NodeJS.ProcessEnv): EngineAddress {
  const host = value.trim();
  if (host.startsWith('/')) return { transport: 'unix', socketPath: host };
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(host)?.[1]?.toLowerCase();
  if (scheme === 'unix') {
    const socketPath = host.slice('unix://'.length);
    if (!socketPath.startsWith('/')) throw badEngineAddress(value, 'a unix:// address needs an absolute socket path, as in unix:///var/run/docker.sock');
    return { transport: 'unix', socketPath };
  }
  if (scheme === 'tcp' || scheme === 'http' || scheme === 'https') {
    const url = parseUrl(value, host);
    if (url.pathname && url.pathname !== '/') throw badEngineAddress(value, 'a tcp:// address is host:port, without a path');
    const tls = tlsFromEnv(env, scheme === 'https');
    return { transport: 'tcp', host: unbracket(url.hostname), port: Number(url.port || (tls ? 2376 : 2375)), ...(tls ? { tls } : {}) };
  }
  if (scheme === 'ssh') {
    const url = parseUrl(value, host);
    if (url.pathname && url.pathname !== '/') throw badEngineAddress(value, 'an ssh:// address is [user@]host[:port], without a path (the remote docker finds its own socket)');
    if (url.password) throw badEngineAddress(value, 'passwords in ssh:// addresses are not supported: use a key or an ssh agent');
    return {
      transport: 'ssh',
      host: unbracket(url.hostname),
      ...(url.username ? { user: decodeURIComponent(url.username) } : {}),
      ...(url.port ? { port: Number(url.port) } : {}),
    };
  }
  throw badEngineAddress(value, 'use unix:///path/to/docker.sock, tcp://host:port or ssh://user@host');
}

/** TLS as DOCKER_TLS_VERIFY / DOCKER_TLS / DOCKER_CERT_PATH ask for it; undefined for plain TCP. */
function tlsFromEnv(env: NodeJS.ProcessEnv, always: boolean): EngineTls | undefined {
  const verify = Boolean(env.DOCKER_TLS_VERIFY);
  if (!verify && !env.DOCKER_TLS && !always) return undefined;
  const certPath = env.DOCKER_CERT_PATH || path.join(env.HOME ?? os.homedir(), '.docker');
  return { ...readTlsFiles(certPath), verify };
}

/** ca.pem, cert.pem and key.pem from a folder, each when present. */
export function readTlsFiles(folder: string): Omit<EngineTls, 'verify'> {
  const read = (name: string) => {
    try {
      return fs.readFileSync(path.join(folder, name));
    } catch {
      return undefined;
    }
  };
  const files = { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') };
  return Object.fromEntries(Object.entries(files).filter(([, v]) => v !== undefined));
}

/** How an address is shown to users: the socket path for a local socket, else a URL. */
export function describeAddress(address: EngineAddress): string {
  switch (address.transport) {
    case 'unix':
      return address.socketPath;
    case 'tcp':
      return `tcp://${bracket(address.host)}:${address.port}${address.tls ? ` (TLS${address.tls.verify ? '' : ', certificate not verified'})` : ''}`;
    case 'ssh':
      return `ssh://${address.user ? `${address.user}@` : ''}${bracket(address.host)}${address.port ? `:${address.port}` : ''}`;
  }
}

function parseUrl(original: string, host: string): URL {
  try {
    return new URL(host);
  } catch {
    throw badEngineAddress(original, 'it is not a valid URL');
  }
}

function unbracket(hostname: string): string {
  return hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
}

function bracket(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
