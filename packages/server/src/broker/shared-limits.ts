/** A rate: `limit` tokens per `intervalMs`, holding at most `burst` at once. */
export interface Rate {
  limit: number;
  intervalMs: number;
  burst: number;
}

/**
 * Counts the nodes of a cluster share, so that a limit holds across them as it would on one
 * node: token buckets for message rates and connection counts per key. Keys are chosen by the
 * gateway (`user:acme/alice`, `ip:203.0.113.7`); the broker only stores them.
 *
 * A broker keeps each node's connection counts apart and restates this node's own on its
 * heartbeat, so that the counts of a node that died expire with it, and a removal lost while the
 * backend was away is mended once it is back. Every method rejects when the backend cannot be
 * reached; the gateway then applies `limits.whenBrokerUnreachable`.
 */
export interface SharedLimits {
  /**
   * Takes up to `count` tokens from the bucket `key` (created full, refilling at `rate`), in one
   * atomic step across the cluster; resolves with how many it took.
   */
  take(key: string, rate: Rate, count: number): Promise<number>;
  /**
   * Counts one more connection of this node under `key`, unless the cluster's nodes together
   * hold `limit` already: resolves false then, and nothing is counted. When it rejects (the
   * backend could not be reached), the connection stays counted in this node's own counts, which
   * reach the backend with the next restatement; `removeConnection` takes it back.
   */
  addConnection(key: string, limit: number): Promise<boolean>;
  /** Uncounts one connection of this node under `key`. */
  removeConnection(key: string): Promise<void>;
}
