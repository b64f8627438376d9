import type { RedisClient } from './redis-topology.js';
import { KeyCounts, type Rate, type SharedLimits } from '@herald/server';
import type { RedisKeys } from './keys.js';
import * as scripts from './limit-scripts.js';

/**
 * Limits shared by the nodes through Redis: a token bucket and a per-node connection count per
 * key, each changed by one atomic script. `restate` runs on every heartbeat of the node.
 */
export class RedisSharedLimits implements SharedLimits {
  private readonly held = new KeyCounts();

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly nodeId: string,
    /** How long a node's counts hold without being restated: the node registry's ttl. */
    private readonly lease: number,
  ) {}

  async take(key: string, rate: Rate, count: number): Promise<number> {
    const { limit, intervalMs, burst } = rate;
    const args = [this.keys.limitBucket(key), limit, intervalMs, burst, count];
    return Number(await this.redis.eval(scripts.takeTokens, 1, ...args));
  }

  async addConnection(key: string, limit: number): Promise<boolean> {
    const args = [this.keys.limitCounts(key), this.nodeId, limit, this.lease];
    this.held.add(key);
    const counted = Number(await this.redis.eval(scripts.addConnection, 1, ...args)) === 1;
    if (!counted) this.held.remove(key);
    return counted;
  }

  async removeConnection(key: string): Promise<void> {
    this.held.remove(key);
    await this.redis.eval(scripts.removeConnection, 1, this.keys.limitCounts(key), this.nodeId);
  }

  /** Restates every count this node holds, for another lease. */
  async restate(): Promise<void> {
    const writes = [...this.held.entries()].map(([key, count]) =>
      this.redis.eval(
        scripts.holdConnections,
        1,
        this.keys.limitCounts(key),
        this.nodeId,
        count,
        this.lease,
      ),
    );
    await Promise.all(writes);
  }
}
