// The relay: runs in a container of its own on a remote engine, one per session, and carries the Runtime API
// between the session's instances (on the engine's network) and the host (over this container's stdin and
// stdout, which the host reaches through the engine's attach API). Bundled to dist/runtime/relay.js.
import * as net from 'node:net';
import { encodeFrame, dataFrames, FRAME, FrameReader } from './relayProtocol';

const PORT = Number(process.env.LAMBDA_DOCK_RELAY_PORT ?? 9001);
/** How long a connection from an address not (yet) admitted waits for the host to admit it. */
const ADMIT_WAIT_MS = 30_000;
const MAX_WAITING = 64;

const admitted = new Set<string>();
const streams = new Map<number, net.Socket>();
const sourceOf = new Map<net.Socket, string>();
const waiting = new Map<net.Socket, NodeJS.Timeout>();
let nextStream = 1;

const send = (frame: Buffer) => process.stdout.write(frame);

function ipv4(address: string | undefined): string {
  return (address ?? '').replace(/^::ffff:/, '');
}

/** An admitted instance's connection: its bytes go to the host from the first one. */
function open(socket: net.Socket, source: string): void {
  const id = nextStream++;
  streams.set(id, socket);
  sourceOf.set(socket, source);
  socket.setNoDelay(true);
  send(encodeFrame(FRAME.open, id, source));
  socket.on('data', (chunk: Buffer) => {
    for (const frame of dataFrames(id, chunk)) send(frame);
  });
  socket.on('end', () => send(encodeFrame(FRAME.end, id)));
  socket.on('error', () => undefined);
  socket.on('close', () => {
    sourceOf.delete(socket);
    if (streams.delete(id)) send(encodeFrame(FRAME.close, id));
  });
  socket.resume();
}

// Paused on connect: nothing is read from a connection before its source address is known to be an instance's.
const server = net.createServer({ pauseOnConnect: true, allowHalfOpen: true }, (socket) => {
  const source = ipv4(socket.remoteAddress);
  if (admitted.has(source)) return open(socket, source);
  // The instance may connect before the host has learned its address from the engine: wait a little.
  if (waiting.size >= MAX_WAITING) return void socket.destroy();
  socket.on('error', () => undefined);
  waiting.set(
    socket,
    setTimeout(() => {
      waiting.delete(socket);
      socket.destroy();
      process.stderr.write(`relay: refused a connection from ${source}: not an instance of this session\n`);
    }, ADMIT_WAIT_MS),
  );
  socket.once('close', () => {
    clearTimeout(waiting.get(socket));
    waiting.delete(socket);
  });
});

function onAdmit(source: string): void {
  admitted.add(source);
  for (const [socket, timer] of waiting) {
    if (ipv4(socket.remoteAddress) !== source) continue;
    clearTimeout(timer);
    waiting.delete(socket);
    open(socket, source);
  }
}

function onRevoke(source: string): void {
  admitted.delete(source);
  for (const [socket, from] of sourceOf) if (from === source) socket.destroy();
}

const reader = new FrameReader((type, id, payload) => {
  switch (type) {
    case FRAME.data:
      streams.get(id)?.write(payload);
      return;
    case FRAME.end:
      streams.get(id)?.end();
      return;
    case FRAME.close: {
      const socket = streams.get(id);
      streams.delete(id);
      socket?.destroy();
      return;
    }
    case FRAME.admit:
      return onAdmit(payload.toString('utf8'));
    case FRAME.revoke:
      return onRevoke(payload.toString('utf8'));
  }
});

process.stdin.on('data', (chunk: Buffer) => reader.push(chunk));
// The host's attach stream ended (StdinOnce closes stdin then): the session is gone, and so is the relay.
process.stdin.on('end', () => process.exit(0));
process.stdout.on('error', () => process.exit(0));
server.listen(PORT, '0.0.0.0', () => send(encodeFrame(FRAME.ready, 0, String(PORT))));
