import { ErrorCodes } from '@herald/protocol';
import type { Logger } from 'pino';
import type { SharedLimits } from '../broker/shared-limits.js';
import { HeraldError } from '../errors.js';
import type { ResolvedConnectionLimits } from './limit-options.js';

/** A limit on connections under one key (`user:acme/alice`); `label` names it in refusals. */
export interface CountedKey {
  key: string;
  limit: number;
  label: string;
}

type Outcome = 'counted' | 'full' | 'unreachable';

/**
 * The cluster-wide side of the connection limits: counts a connection under its per-IP,
 * per-user and per-tenant keys in the broker's shared counts, all or none of them.
 */
export class SharedConnectionCounts {
  constructor(
    private readonly shared: SharedLimits,
    private readonly whenUnreachable: ResolvedConnectionLimits['whenBrokerUnreachable'],
    private readonly logger: Logger,
  ) {}

  /**
   * Resolves with the keys counted (to give back with `remove`). Throws WS_CONNECTION_LIMIT when
   * the cluster holds a limit's worth already, and WS_UNAVAILABLE when the broker cannot be
   * reached and the limits say to refuse then. With `node`, the node's own limits held, and the
   * connection is counted across the cluster once the broker hears from the node again.
   */
  async add(keys: readonly CountedKey[]): Promise<string[]> {
    const outcomes = await Promise.all(keys.map((counted) => this.addOne(counted)));
    // A key the broker could not be told about is still in this node's counts (SharedLimits).
    const held = keys.filter((_, i) => outcomes[i] !== 'full').map(({ key }) => key);
    const full = keys.find((_, i) => outcomes[i] === 'full');
    const unreachable = outcomes.includes('unreachable') && this.whenUnreachable === 'refuse';
    if (!full && !unreachable) return held;
    this.remove(held);
    if (full) {
      throw new HeraldError(
        ErrorCodes.WS_CONNECTION_LIMIT,
        `connection limit reached (${full.label}, across the cluster)`,
      );
    }
    throw new HeraldError(
      ErrorCodes.WS_UNAVAILABLE,
      'connection limits cannot be checked while the broker is unreachable; try again later',
    );
  }

  /** Gives counts back in the background: the broker mends what it could not hear. */
  remove(keys: readonly string[]): void {
    for (const key of keys) {
      this.shared.removeConnection(key).catch((error: unknown) => {
        this.logger.debug({ err: error, key }, 'shared connection count not given back yet');
      });
    }
  }

  private async addOne({ key, limit }: CountedKey): Promise<Outcome> {
    try {
      return (await this.shared.addConnection(key, limit)) ? 'counted' : 'full';
    } catch (error) {
      this.logger.debug({ err: error, key }, 'shared connection count unreachable');
      return 'unreachable';
    }
  }
}
