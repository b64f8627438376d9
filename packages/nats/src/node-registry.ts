import type { ExpiringEntries } from './expiring-entries.js';

/**
 * Which nodes are live: each node writes a heartbeat entry every `ttl / 3` that expires after
 * `ttl`, so a node that dies drops out within `ttl` and cluster commands stop waiting for it.
 */
export class NodeRegistry {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly entries: ExpiringEntries<string>,
    private readonly nodeId: string,
    private readonly key: string,
    private readonly ttl: number,
    /** Told the outcome of each background heartbeat: undefined when it was written. */
    private readonly onHeartbeat: (error?: unknown) => void,
    /** Beats are skipped while NATS is away: one would only time out after it is back. */
    private readonly reachable: () => boolean,
  ) {}

  /** Writes the first heartbeat, then keeps writing them in the background. */
  async join(): Promise<void> {
    await this.heartbeat();
    this.timer = setInterval(
      () => {
        if (this.reachable()) this.heartbeat().then(() => this.onHeartbeat(), this.onHeartbeat);
      },
      Math.floor(this.ttl / 3),
    );
    this.timer.unref();
  }

  heartbeat(): Promise<void> {
    return this.entries.put(this.key, this.nodeId, this.ttl);
  }

  /** How many other nodes are live. */
  async others(): Promise<number> {
    const live = await this.entries.live('*');
    return live.filter((nodeId) => nodeId !== this.nodeId).length;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Stops the heartbeats and removes this node's entry, so that nobody waits for it. */
  async leave(): Promise<void> {
    this.stop();
    await this.entries.remove(this.key);
  }
}
