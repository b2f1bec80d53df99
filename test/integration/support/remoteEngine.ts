import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';

const run = promisify(execFile);
const SCRIPT = path.join(__dirname, 'remote-engine.sh');

/** A remote engine made on this machine by remote-engine.sh (see there): its addresses and a client for it. */
export interface RemoteEngine {
  name: string;
  /** The engine's address, as another machine's would be. */
  address: string;
  /** This machine's address on the link: the engine's containers must not reach it. */
  hostAddress: string;
  /** Its API over plain TCP. */
  tcpHost: string;
  docker: Docker;
  dir: string;
}

async function script(...args: string[]): Promise<Record<string, string>> {
  try {
    const { stdout } = await run('bash', [SCRIPT, ...args], { maxBuffer: 1024 * 1024, timeout: 600_000 });
    return Object.fromEntries(stdout.split('\n').filter((line) => line.includes('=')).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
  } catch (error) {
    const failed = error as { stderr?: string; message: string };
    throw new Error(`remote-engine.sh ${args.join(' ')} failed: ${failed.stderr?.trim() || failed.message}`);
  }
}

/** Makes the engine (it fails, never skips, where it cannot: these tests need root and a Debian-like machine). */
export async function createRemoteEngine(name: string): Promise<RemoteEngine> {
  await script('down', name);
  const out = await script('up', name);
  const tcpHost = `tcp://${out.ADDRESS}:2375`;
  return { name, address: out.ADDRESS, hostAddress: out.HOST_ADDRESS, tcpHost, docker: new Docker({ host: out.ADDRESS, port: 2375 }), dir: out.DIR };
}

/** Restarts the engine's dockerd with TLS on ADDRESS:2376, with the server certificate in certs. */
export async function enableTls(engine: RemoteEngine, certs: string): Promise<void> {
  await script('tls', engine.name, certs);
}

/** Starts sshd in the engine's namespace; returns the ssh:// address and the ssh command that knows its key. */
export async function enableSsh(engine: RemoteEngine): Promise<{ dockerHost: string; sshCommand: string }> {
  const out = await script('ssh', engine.name);
  return { dockerHost: out.SSH_HOST, sshCommand: out.SSH_COMMAND };
}

export async function removeRemoteEngine(engine: RemoteEngine | undefined, name: string): Promise<void> {
  await script('down', engine?.name ?? name);
}

/** Copies an image from this machine's engine into another through the API (docker save | docker load). */
export async function copyImage(from: Docker, to: Docker, image: string): Promise<void> {
  const saved = (await from.getImage(image).get()) as NodeJS.ReadableStream;
  const loading = (await to.loadImage(saved as unknown as string)) as NodeJS.ReadableStream;
  await new Promise<void>((resolve, reject) => {
    let text = '';
    loading.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    loading.on('end', () => (text.includes('"error"') ? reject(new Error(`loading ${image} failed: ${text}`)) : resolve()));
    loading.on('error', reject);
  });
}
