import type * as net from 'node:net';

/** Connections that may wait unread for the instance's address; past this, new ones are closed. */
const MAX_HELD = 64;

/**
 * Admits a listener's connections by their remote address before a byte of them is read (the listener
 * pauses every connection on accept). Until the allowed addresses are known, connections wait unread;
 * then each is admitted or closed. Without a gate's addresses (`allowAll`) every connection is admitted.
 */
export class ConnectionGate {
  private allowed?: ReadonlySet<string> | 'all';
  private readonly held = new Set<net.Socket>();
  private readonly refused = new Set<string>();

  constructor(
    private readonly admit: (socket: net.Socket) => void,
    /** Called once per refused source address. */
    private readonly onRefused: (address: string, why: string) => void,
  ) {}

  /** How many connections wait for the addresses. */
  get waiting(): number {
    return this.held.size;
  }

  offer(socket: net.Socket): void {
    if (this.allowed) return this.decide(socket);
    if (this.held.size >= MAX_HELD) return this.refuse(socket, `more than ${MAX_HELD} connections arrived before the instance's address was known`);
    this.held.add(socket);
    socket.once('close', () => this.held.delete(socket));
  }

  /** The only addresses served from now on (set once); connections held until now are decided. */
  allow(addresses: Iterable<string> | 'all'): void {
    if (this.allowed) throw new Error('the gate already knows whom it admits');
    this.allowed = addresses === 'all' ? 'all' : new Set([...addresses].map(canonicalAddress));
    const held = [...this.held];
    this.held.clear();
    for (const socket of held) this.decide(socket);
  }

  close(): void {
    for (const socket of this.held) socket.destroy();
    this.held.clear();
  }

  private decide(socket: net.Socket): void {
    if (this.allowed === 'all' || this.allowed?.has(canonicalAddress(socket.remoteAddress ?? ''))) return this.admit(socket);
    this.refuse(socket, "it is not the instance's address");
  }

  private refuse(socket: net.Socket, why: string): void {
    const address = canonicalAddress(socket.remoteAddress ?? '');
    socket.resetAndDestroy();
    if (this.refused.has(address)) return;
    this.refused.add(address);
    this.onRefused(address, why);
  }
}

/** One spelling per address: an IPv4 address reaching an IPv6 listener arrives as ::ffff:a.b.c.d. */
export function canonicalAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address.toLowerCase();
}
