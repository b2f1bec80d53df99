import { Duplex, Writable } from 'node:stream';
import type Docker from 'dockerode';
import { errorMessage, LambdaDockError } from '../../errors';
import { silentLogger, type Logger } from '../../log';
import { ENGINE_ERRORS, ignoreMissing } from '../errors';
import { dataFrames, encodeFrame, FRAME, FrameReader } from './relayProtocol';

export const RELAY_PORT = 9001;
const READY_TIMEOUT_MS = 60_000;

/** How a Runtime API channel receives its instance's connections when the engine is remote. */
export interface RelayedConnections {
  /** host:port for AWS_LAMBDA_RUNTIME_API: the relay on the engine's network. */
  readonly address: string;
  /** Hands the instance's connections (once its address is admitted) to accept; returns the unregistration. */
  register(instanceId: string, accept: (socket: Duplex) => void): () => void;
}

export interface RelayOptions {
  image: string;
  sessionId: string;
  /** The session's labels: the relay and its network go with the session, and reapStale finds them by these. */
  labels: Record<string, string>;
  log?: Logger;
}

/**
 * A session's Runtime API on a remote engine, whose containers cannot connect to this machine: a relay
 * container on a network of the session's own, which the instances reach, tied to this machine by the
 * engine's attach stream (stdin and stdout) with every instance connection multiplexed over it
 * (relayProtocol). An instance is known by its address on that network, which the engine reports when it
 * starts: the relay reads nothing from any other source, and this side checks again.
 */
export class RuntimeApiRelay implements RelayedConnections {
  private readonly acceptors = new Map<string, (socket: Duplex) => void>();
  private readonly addressesOf = new Map<string, readonly string[]>();
  private readonly instanceAt = new Map<string, string>();
  private readonly streams = new Map<number, RelayStream>();
  private readonly refusedSources = new Set<string>();
  private link?: Duplex;
  private disposed = false;
  address = '';

  private constructor(
    private readonly docker: Docker,
    readonly container: Docker.Container,
    readonly networkName: string,
    private readonly log: Logger,
  ) {}

  /** Creates the session's network and relay, attaches to it, and resolves once it listens. */
  static async start(docker: Docker, options: RelayOptions): Promise<RuntimeApiRelay> {
    const log = options.log ?? silentLogger;
    const networkName = `lambda-dock-${options.sessionId}`;
    await docker.createNetwork({ Name: networkName, Driver: 'bridge', CheckDuplicate: true, Labels: options.labels });
    let container: Docker.Container | undefined;
    try {
      container = await docker.createContainer({
        name: `lambda-dock-relay-${options.sessionId}`,
        Image: options.image,
        Entrypoint: ['/usr/local/bin/node', '/var/runtime/relay.js'],
        Env: [`LAMBDA_DOCK_RELAY_PORT=${RELAY_PORT}`],
        Labels: options.labels,
        // StdinOnce: when this machine's attach ends (the session ended or was killed), stdin closes and the relay exits.
        OpenStdin: true,
        StdinOnce: true,
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        HostConfig: { NetworkMode: networkName, ReadonlyRootfs: true, CapDrop: ['ALL'], Memory: 128 * 1024 * 1024 },
      });
      const relay = new RuntimeApiRelay(docker, container, networkName, log);
      await relay.connect(options.sessionId);
      return relay;
    } catch (error) {
      await container?.remove({ force: true }).catch(() => undefined);
      await docker.getNetwork(networkName).remove().catch(() => undefined);
      throw new LambdaDockError(ENGINE_ERRORS.launchFailed, `Could not start the Runtime API relay on the remote engine: ${errorMessage(error)}.`, { cause: error });
    }
  }

  register(instanceId: string, accept: (socket: Duplex) => void): () => void {
    this.acceptors.set(instanceId, accept);
    return () => {
      if (this.acceptors.get(instanceId) === accept) this.acceptors.delete(instanceId);
    };
  }

  /** The instance's addresses on the relay's network, as the engine reported them: its connections are let through. */
  admit(instanceId: string, addresses: readonly string[]): void {
    this.addressesOf.set(instanceId, addresses);
    for (const address of addresses) {
      this.instanceAt.set(address, instanceId);
      this.send(encodeFrame(FRAME.admit, 0, address));
    }
  }

  /** The instance is gone: its address admits nothing any more, and its connections close. */
  revoke(instanceId: string): void {
    const addresses = this.addressesOf.get(instanceId) ?? [];
    this.acceptors.delete(instanceId);
    this.addressesOf.delete(instanceId);
    for (const address of addresses) {
      if (this.instanceAt.get(address) === instanceId) this.instanceAt.delete(address);
      this.send(encodeFrame(FRAME.revoke, 0, address));
      for (const stream of this.streams.values()) if (stream.remoteAddress === address) stream.destroy();
    }
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const stream of this.streams.values()) stream.destroy();
    this.link?.destroy();
    await this.container.remove({ force: true, v: true }).catch(ignoreMissing);
    await this.docker.getNetwork(this.networkName).remove().catch(ignoreMissing);
  }

  /** @internal for RelayStream */
  send(frame: Buffer): void {
    if (!this.disposed) this.link?.write(frame);
  }

  /** @internal for RelayStream: the host side is done with a stream. */
  forget(id: number, tellRelay: boolean): void {
    if (!this.streams.delete(id)) return;
    if (tellRelay) this.send(encodeFrame(FRAME.close, id));
  }

  private async connect(sessionId: string): Promise<void> {
    const link = (await this.container.attach({ stream: true, hijack: true, stdin: true, stdout: true, stderr: true })) as Duplex;
    this.link = link;
    let onReady: (port: number) => void = () => undefined;
    const ready = new Promise<number>((resolve) => (onReady = resolve));
    const reader = new FrameReader((type, id, payload) => {
      if (type === FRAME.ready) onReady(Number(payload.toString('utf8')));
      else this.onFrame(type, id, payload);
    });
    let stderr = '';
    this.docker.modem.demuxStream(
      link,
      new Writable({ write: (chunk: Buffer, _encoding, callback) => callback(tryPush(reader, chunk)) }),
      new Writable({
        write: (chunk: Buffer, _encoding, callback) => {
          stderr = (stderr + chunk.toString('utf8')).slice(-2000);
          this.log.warn(`[relay] ${chunk.toString('utf8').trimEnd()}`);
          callback();
        },
      }),
    );
    const lost = new Promise<never>((_resolve, reject) => {
      const onLost = () => {
        for (const stream of this.streams.values()) stream.destroy();
        if (!this.disposed) this.log.error(`[relay] the link to the relay of session ${sessionId} ended: instances cannot reach the Runtime API`);
        reject(new Error(`the relay stopped${stderr ? `: ${stderr.trim()}` : ''}`));
      };
      link.once('end', onLost);
      link.once('close', onLost);
      link.once('error', onLost);
    });
    lost.catch(() => undefined);
    await this.container.start();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`it did not listen within ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
    });
    try {
      const [port, info] = await Promise.race([Promise.all([ready, this.container.inspect()]), lost, timeout]);
      const ip = info.NetworkSettings.Networks[this.networkName]?.IPAddress;
      if (!ip) throw new Error(`it has no address on ${this.networkName}`);
      this.address = `${ip}:${port}`;
    } finally {
      clearTimeout(timer);
    }
  }

  private onFrame(type: number, id: number, payload: Buffer): void {
    if (type === FRAME.open) return this.onOpen(id, payload.toString('utf8'));
    const stream = this.streams.get(id);
    if (!stream) return;
    if (type === FRAME.data) stream.push(payload);
    else if (type === FRAME.end) stream.push(null);
    else if (type === FRAME.close) stream.peerClosed();
  }

  /** A connection from an address the relay admitted: checked again here, then handed to that instance's channel. */
  private onOpen(id: number, source: string): void {
    const instanceId = this.instanceAt.get(source);
    const accept = instanceId ? this.acceptors.get(instanceId) : undefined;
    if (!accept) {
      this.send(encodeFrame(FRAME.close, id));
      if (!this.refusedSources.has(source)) this.log.warn(`[relay] refused a Runtime API connection from ${source}: not a live instance of this session`);
      this.refusedSources.add(source);
      return;
    }
    const stream = new RelayStream(this, id, source);
    this.streams.set(id, stream);
    accept(stream);
  }
}

function tryPush(reader: FrameReader, chunk: Buffer): Error | null {
  try {
    reader.push(chunk);
    return null;
  } catch (error) {
    return error as Error;
  }
}

/** One instance connection as this side sees it: a socket-like stream an http.Server can serve. */
class RelayStream extends Duplex {
  private closedByPeer = false;

  constructor(
    private readonly relay: RuntimeApiRelay,
    readonly id: number,
    readonly remoteAddress: string,
  ) {
    super({ allowHalfOpen: true });
  }

  override _read(): void {
    // Data arrives as the relay sends it: one link for every connection, so none of them can hold it back.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    for (const frame of dataFrames(this.id, chunk)) this.relay.send(frame);
    callback();
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    const joined = chunks.length === 1 ? chunks[0].chunk : Buffer.concat(chunks.map((c) => c.chunk));
    for (const frame of dataFrames(this.id, joined)) this.relay.send(frame);
    callback();
  }

  override _final(callback: () => void): void {
    this.relay.send(encodeFrame(FRAME.end, this.id));
    callback();
  }

  override _destroy(error: Error | null, callback: (error: Error | null) => void): void {
    this.relay.forget(this.id, !this.closedByPeer);
    callback(error);
  }

  /** The relay said the connection is gone. */
  peerClosed(): void {
    this.closedByPeer = true;
    this.destroy();
  }

  // What Node's HTTP server calls on a net.Socket.
  readonly remotePort = 0;
  setTimeout(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}
