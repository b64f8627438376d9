import { ErrorCodes } from '@herald/protocol';
import { HeraldError } from '../errors.js';
import type { ResolvedConnectionLimits } from './limit-options.js';

/** Who a connection counts against. */
export interface ConnectionKeys {
  /** The namespace pattern, and its own `maxConnections`. */
  namespace: string;
  namespaceLimit: number;
  ip: string;
  userId?: string | undefined;
  tenant?: string | undefined;
}

type Counted = { key: string; limit: number; label: string };

/** Counts open connections globally and per namespace, IP, user and tenant on this node. */
export class ConnectionLimits {
  private readonly counts = new Map<string, number>();

  constructor(private readonly options: ResolvedConnectionLimits) {}

  /** Throws WS_CONNECTION_LIMIT when one more connection with `keys` would pass a limit. */
  check(keys: ConnectionKeys): void {
    for (const { key, limit, label } of this.limitsFor(keys)) {
      if (limit > 0 && (this.counts.get(key) ?? 0) >= limit) {
        throw new HeraldError(
          ErrorCodes.WS_CONNECTION_LIMIT,
          `connection limit reached (${label})`,
        );
      }
    }
  }

  /** Counts a connection; returns a slot to release when it ends. Throws like `check`. */
  acquire(keys: ConnectionKeys): ConnectionSlot {
    this.check(keys);
    const held = this.limitsFor(keys).map(({ key }) => key);
    this.increment(held);
    return new ConnectionSlot(this, held);
  }

  /**
   * Moves a connection's counts to new keys (it authenticated): all or nothing, so a refusal
   * leaves it counted as before.
   */
  replace(slot: ConnectionSlot | undefined, keys: ConnectionKeys): ConnectionSlot {
    slot?.release();
    try {
      return this.acquire(keys);
    } catch (error) {
      slot?.restore();
      throw error;
    }
  }

  /** @internal */
  increment(keys: readonly string[]): void {
    for (const key of keys) this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** @internal */
  decrement(keys: readonly string[]): void {
    for (const key of keys) {
      const left = (this.counts.get(key) ?? 1) - 1;
      if (left <= 0) this.counts.delete(key);
      else this.counts.set(key, left);
    }
  }

  private limitsFor(keys: ConnectionKeys): Counted[] {
    const o = this.options;
    const counted: Counted[] = [
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

/** The counts one connection holds; released exactly once. */
export class ConnectionSlot {
  private released = false;

  constructor(
    private readonly limits: ConnectionLimits,
    private readonly keys: readonly string[],
  ) {}

  release(): void {
    if (this.released) return;
    this.released = true;
    this.limits.decrement(this.keys);
  }

  /** Takes back the counts of a slot released by a failed `replace`. */
  restore(): void {
    if (!this.released) return;
    this.released = false;
    this.limits.increment(this.keys);
  }
}
