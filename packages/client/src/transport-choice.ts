/** How the client reaches the gateway: WebSocket, or an HTTP fallback (docs/transports.md). */
export type TransportName = 'websocket' | 'sse' | 'http-stream';

/** The HTTP fallback transports, by the name the gateway knows them by (`?transport=`). */
export type HttpTransport = Exclude<TransportName, 'websocket'>;

/**
 * Which transport each connection attempt uses: the given order, starting from the one that
 * last worked, until `retryWebSocketAfter` ms after a fallback worked, when the first is tried
 * first again. Within an attempt, a transport that cannot open hands over to the next.
 */
export class TransportChoice {
  #round: TransportName[] = [];
  #remembered: { name: TransportName; until: number } | undefined;

  constructor(
    private readonly order: readonly TransportName[],
    private readonly retryWebSocketAfter: number,
  ) {}

  /** Starts an attempt: the transports to try, best first. */
  begin(): void {
    const remembered = this.#remembered;
    if (remembered && Date.now() >= remembered.until) this.#remembered = undefined;
    const first = this.#remembered?.name;
    this.#round = first ? [first, ...this.order.filter((name) => name !== first)] : [...this.order];
  }

  /** The transport this attempt uses now. */
  get current(): TransportName {
    return this.#round[0] ?? this.order[0] ?? 'websocket';
  }

  /** Whether another transport is left to try should the current one fail to open. */
  get hasFallback(): boolean {
    return this.#round.length > 1;
  }

  /** The current transport could not open: moves to the next; false when none is left. */
  fallBack(): boolean {
    if (this.#round.length <= 1) return false;
    this.#round.shift();
    return true;
  }

  /** A session was accepted over `name`: later attempts start from it (a fallback, for a while). */
  worked(name: TransportName): void {
    this.#remembered =
      name === this.order[0] ? undefined : { name, until: Date.now() + this.retryWebSocketAfter };
  }
}
