import { ErrorCodes } from '@herald/protocol';
import { KeyCounts } from '../broker/key-counts.js';
import { HeraldError } from '../errors.js';
import type { ResolvedConnectionLimits } from './limit-options.js';
import type { CountedKey, SharedConnectionCounts } from './shared-connection-counts.js';

/** Who a connection counts against. */
export interface ConnectionKeys {
  /** The namespace pattern, and its own `maxConnections`. */
  namespace: string;
  namespaceLimit: number;
  ip: string;
  userId?: string | undefined;
  tenant?: string | undefined;
}

/**
 * Counts open connections globally and per namespace, IP, user and tenant on this node; with
 * `shared` (limits scoped to the cluster), also per IP, user and tenant across the nodes.
 */
export class ConnectionLimits {
  private readonly counts = new KeyCounts();

  constructor(
    private readonly options: ResolvedConnectionLimits,
    private readonly shared?: SharedConnectionCounts,
  ) {}

  /** Throws WS_CONNECTION_LIMIT when one more connection with `keys` would pass a node's limit. */
  check(keys: ConnectionKeys): void {
    for (const { key, limit, label } of this.limitsFor(keys)) {
      if (limit > 0 && this.counts.get(key) >= limit) {
        throw new HeraldError(
          ErrorCodes.WS_CONNECTION_LIMIT,
          `connection limit reached (${label})`,
        );
      }
    }
  }

  /**
   * Counts a connection, on this node and then across the cluster; resolves with a slot to
   * release when it ends. Throws like `check`, or as `SharedConnectionCounts.add` does.
   * `carried`: keys already counted across the cluster for this connection (see `replace`).
   */
  async acquire(keys: ConnectionKeys, carried: readonly string[] = []): Promise<ConnectionSlot> {
    this.check(keys);
    const counted = this.limitsFor(keys);
    const held = counted.map(({ key }) => key);
    this.increment(held);
    const slot = new ConnectionSlot(this, held);
    if (!this.shared) return slot;
    const wanted = counted.filter(({ key, limit }) => limit > 0 && isShareable(key));
    const kept = wanted.filter(({ key }) => carried.includes(key)).map(({ key }) => key);
    try {
      const added = await this.shared.add(wanted.filter(({ key }) => !carried.includes(key)));
      slot.shared = [...kept, ...added];
    } catch (error) {
      slot.release();
      throw error;
    }
    return slot;
  }

  /**
   * Moves a connection's counts to new keys (it authenticated): all or nothing, so a refusal
   * leaves it counted as before. Keys it keeps stay counted across the cluster, not twice.
   */
  async replace(slot: ConnectionSlot | undefined, keys: ConnectionKeys): Promise<ConnectionSlot> {
    slot?.releaseHere();
    let next: ConnectionSlot;
    try {
      next = await this.acquire(keys, slot?.shared);
    } catch (error) {
      slot?.restoreHere();
      throw error;
    }
    if (slot) {
      slot.shared = slot.shared.filter((key) => !next.shared.includes(key));
      slot.release();
    }
    return next;
  }

  /** @internal */
  increment(keys: readonly string[]): void {
    for (const key of keys) this.counts.add(key);
  }

  /** @internal */
  decrement(keys: readonly string[]): void {
    for (const key of keys) this.counts.remove(key);
  }

  /** @internal */
  giveBack(shared: readonly string[]): void {
    this.shared?.remove(shared);
  }

  private limitsFor(keys: ConnectionKeys): CountedKey[] {
    const o = this.options;
    const counted: CountedKey[] = [
      { key: 'all', limit: o.maxConnections, label: 'gateway' },
      { key: `ns:${keys.namespace}`, limit: keys.namespaceLimit, label: 'namespace' },
      { key: `ip:${keys.ip}`, limit: o.maxConnectionsPerIp, label: 'per IP' },
    ];
    if (keys.userId !== undefined) {
      const user = keys.tenant === undefined ? keys.userId : `${keys.tenant}/${keys.userId}`;
      counted.push({ key: `user:${user}`, limit: o.maxConnectionsPerUser, label: 'per user' });
    }
    if (keys.tenant !== undefined) {
      counted.push({
        key: `tenant:${keys.tenant}`,
        limit: o.maxConnectionsPerTenant,
        label: 'per tenant',
      });
    }
    return counted;
  }
}

/** The gateway and namespace limits are a node's capacity; the others are a client's share. */
const isShareable = (key: string) => key !== 'all' && !key.startsWith('ns:');

/** The counts one connection holds; released exactly once. */
export class ConnectionSlot {
  /** The keys also counted across the cluster. */
  shared: readonly string[] = [];
  private heldHere = true;
  private released = false;

  constructor(
    private readonly limits: ConnectionLimits,
    private readonly keys: readonly string[],
  ) {}

  release(): void {
    if (this.released) return;
    this.released = true;
    this.releaseHere();
    this.limits.giveBack(this.shared);
  }

  /** @internal Gives back this node's counts only, while a `replace` tries new keys. */
  releaseHere(): void {
    if (!this.heldHere) return;
    this.heldHere = false;
    this.limits.decrement(this.keys);
  }

  /** @internal Takes back this node's counts after a failed `replace`. */
  restoreHere(): void {
    if (this.heldHere || this.released) return;
    this.heldHere = true;
    this.limits.increment(this.keys);
  }
}
