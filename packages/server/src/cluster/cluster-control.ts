import { CloseCodes } from '@herald/protocol';
import type { Broker } from '../broker/broker.js';
import type { ChannelCount, ClusterCommand } from './cluster-command.js';
import type { NodeInfo } from './node-info.js';
import { assertDeliverable } from '../validation/payload-guard.js';
import { Broadcast, type ConnectionInfo, type Target } from './targeting.js';

/**
 * Server-side control of connections anywhere in the cluster. Each call is one broker command
 * that every node runs against its own connections; the answers are merged here.
 */
export class ClusterControl {
  /**
   * `timeout`: how long a command waits for other nodes' answers, in ms; `maxPayloadDepth`: how
   * deeply an emitted payload may nest.
   */
  constructor(
    private readonly broker: Broker,
    private readonly timeout: number,
    private readonly maxPayloadDepth: number,
  ) {}

  to(target: Target, scope?: string): Broadcast {
    return new Broadcast(
      async (targets, except, event, payload) => {
        assertDeliverable(payload, this.maxPayloadDepth);
        return this.count({
          type: 'emit',
          targets: this.scoped(targets, scope),
          except,
          event,
          payload,
        });
      },
      [target],
    );
  }

  async fetchConnections(filter: Target = {}, scope?: string): Promise<ConnectionInfo[]> {
    const answers = await this.broker.command(
      { type: 'fetch', targets: this.scoped([filter], scope) },
      this.timeout,
    );
    return (answers as ConnectionInfo[][]).flat();
  }

  /** Closes every matching connection; resolves with how many there were. */
  disconnect(
    target: Target,
    code: number = CloseCodes.KICKED,
    reason = 'disconnected by the server',
  ): Promise<number> {
    return this.count({ type: 'disconnect', targets: [target], code, reason });
  }

  /** Ends the matching connections' subscriptions to `channel`; they get a `system` `unsubscribed`. */
  unsubscribe(target: Target, channel: string): Promise<number> {
    return this.count({ type: 'unsubscribe', targets: [target], channel });
  }

  /**
   * Subscribes the matching connections to `channel` (each under its own tenant with tenant
   * isolation); they get a `system` `subscribed`. Resolves with how many were not in it yet.
   */
  subscribe(target: Target, channel: string): Promise<number> {
    return this.count({ type: 'subscribe', targets: [target], channel });
  }

  /** Gives the matching connections' credentials a new expiry, `expiresAt` in ms since epoch. */
  refresh(target: Target, expiresAt: number): Promise<number> {
    return this.count({ type: 'refresh', targets: [target], expiresAt });
  }

  /** Every node that answered, by id. */
  async info(): Promise<NodeInfo[]> {
    const answers = (await this.broker.command({ type: 'info' }, this.timeout)) as NodeInfo[];
    return answers.sort((a, b) => a.node.localeCompare(b.node));
  }

  /** User ids with at least one connection (on `namespace` when given), without duplicates. */
  async online(namespace?: string): Promise<string[]> {
    return [...new Set(await this.users({}, namespace))];
  }

  async isOnline(userId: string): Promise<boolean> {
    return (await this.users({ user: userId })).length > 0;
  }

  /** Each node answers only the user ids of its matching connections, not whole descriptions. */
  private async users(filter: Target, scope?: string): Promise<string[]> {
    const answers = await this.broker.command(
      { type: 'users', targets: this.scoped([filter], scope) },
      this.timeout,
    );
    return (answers as string[][]).flat();
  }

  /**
   * Channels with subscribers on any node, their counts summed over the nodes, sorted by name
   * then tenant; only those matching `filter` when given.
   */
  async channels(filter: ChannelFilter = {}): Promise<ChannelCount[]> {
    const answers = await this.broker.command({ type: 'channels' }, this.timeout);
    const matches = filter.pattern === undefined ? undefined : globMatcher(filter.pattern);
    const totals = new Map<string, ChannelCount>();
    for (const count of (answers as ChannelCount[][]).flat()) {
      if (filter.tenant !== undefined && count.tenant !== filter.tenant) continue;
      if (matches && !matches(count.channel)) continue;
      const key = JSON.stringify([count.channel, count.tenant ?? null]);
      const total = totals.get(key);
      if (total) total.subscribers += count.subscribers;
      else totals.set(key, { ...count });
    }
    return [...totals.values()].sort(
      (a, b) =>
        a.channel.localeCompare(b.channel) || (a.tenant ?? '').localeCompare(b.tenant ?? ''),
    );
  }

  private scoped(targets: Target[], namespace: string | undefined): Target[] {
    return namespace === undefined ? targets : targets.map((target) => ({ ...target, namespace }));
  }

  private async count(command: ClusterCommand): Promise<number> {
    const answers = await this.broker.command(command, this.timeout);
    return (answers as number[]).reduce((sum, n) => sum + n, 0);
  }
}

/** Which channels `channels()` lists: names matching `pattern` (`*`: any run of characters), of `tenant`. */
export interface ChannelFilter {
  pattern?: string;
  tenant?: string;
}

function globMatcher(pattern: string): (name: string) => boolean {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const regex = new RegExp(`^${body}$`, 's');
  return (name) => regex.test(name);
}
