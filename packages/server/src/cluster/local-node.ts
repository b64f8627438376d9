import type { SubscribedNotice, UnsubscribedNotice } from '@herald/protocol';
import type { AuditLog } from '../audit/audit-log.js';
import { subjectFields } from '../audit/audit-record.js';
import { describeChannel } from '../channels/channel-names.js';
import type { ChannelRegistry } from '../channels/channel-registry.js';
import type { SocketConnection } from '../connection/socket-connection.js';
import { EncodedFrame } from '../transport/encoded-frame.js';
import type { Namespace } from '../namespace/namespace.js';
import type { ChannelCount, ClusterCommand } from './cluster-command.js';
import type { NodeInfo } from './node-info.js';
import type { ConnectionIndex } from '../connection/connection-index.js';
import { describeConnection, selects, type ConnectionInfo, type Target } from './targeting.js';

/** What a node reads or changes beyond its connections and channels. */
export interface NodeServices {
  audit: AuditLog;
  info(): NodeInfo;
  /** Gives the connection's credentials a new expiry (ms since epoch), as a refresh would. */
  refresh(connection: SocketConnection, expiresAt: number): boolean;
  /** Hands client frames to an HTTP fallback session when this node holds it; `end` ends it. */
  clientFrames(session: string, frames: readonly string[], end: boolean): boolean;
}

type Answer = number | boolean | ConnectionInfo[] | string[] | ChannelCount[] | NodeInfo;
type TargetedCommand = Exclude<
  ClusterCommand,
  { type: 'channels' } | { type: 'info' } | { type: 'frames' }
>;

/** Runs cluster commands against this node's connections. */
export class LocalNode {
  constructor(
    private readonly namespaces: readonly Namespace[],
    private readonly registry: ChannelRegistry,
    private readonly index: ConnectionIndex<SocketConnection>,
    private readonly services: NodeServices,
  ) {}

  /**
   * emit, disconnect, subscribe, unsubscribe and refresh answer how many connections they
   * touched; fetch, which; users, the distinct user ids among them; channels, this node's
   * subscribed channels with their local subscriber counts; info, this node's description;
   * frames, whether this node holds the HTTP session they were POSTed for.
   */
  async execute(command: ClusterCommand): Promise<Answer> {
    if (command.type === 'channels') return this.channels();
    if (command.type === 'info') return this.services.info();
    if (command.type === 'frames')
      return this.services.clientFrames(command.session, command.frames, command.end ?? false);
    const selected = this.select(command);
    switch (command.type) {
      case 'fetch':
        return selected.map(describeConnection);
      case 'users':
        return [...new Set(selected.flatMap((c) => c.identity.userId ?? []))];
      case 'emit': {
        const frame = new EncodedFrame({
          type: 'event',
          event: command.event,
          payload: command.payload,
        });
        for (const connection of selected) connection.deliver(frame);
        return selected.length;
      }
      case 'disconnect': {
        const { audit } = this.services;
        for (const connection of selected) {
          // Recorded on the node that held the connection, which knows who it was.
          if (audit.enabled) {
            audit.record('connection.kicked', {
              ...subjectFields(connection),
              closeCode: command.code,
              reason: command.reason,
            });
          }
          connection.close(command.code, command.reason);
        }
        return selected.length;
      }
      case 'refresh':
        return selected.filter((c) => this.services.refresh(c, command.expiresAt)).length;
      case 'subscribe':
        return this.changeMembership(selected, command.channel, 'subscribed');
      case 'unsubscribe':
        return this.changeMembership(selected, command.channel, 'unsubscribed');
    }
  }

  /** Clients' channels, tenants' with their tenant; the gateway's own `$` channels are left out. */
  private channels(): ChannelCount[] {
    const counts: ChannelCount[] = [];
    for (const internal of this.registry.channels()) {
      const described = describeChannel(internal);
      if (described === undefined) continue;
      counts.push({ ...described, subscribers: this.registry.subscriberCount(internal) });
    }
    return counts;
  }

  /**
   * Subscribes (or unsubscribes) the selected connections that are not (or are) in `channel`, and
   * tells each with a `system` frame; answers how many changed.
   */
  private async changeMembership(
    selected: SocketConnection[],
    channel: string,
    event: 'subscribed' | 'unsubscribed',
  ): Promise<number> {
    const joining = event === 'subscribed';
    const notice: SubscribedNotice | UnsubscribedNotice = { channel, reason: 'server' };
    const frame = new EncodedFrame({ type: 'system', event, payload: notice });
    const changing = selected.filter((connection) => connection.channels.has(channel) !== joining);
    await Promise.all(
      changing.map(async (connection) => {
        await (joining ? connection.join(channel) : connection.leave(channel));
        // Not droppable like a publication: the client must learn its subscriptions changed.
        connection.out.shared(frame);
      }),
    );
    return changing.length;
  }

  private select(command: TargetedCommand): SocketConnection[] {
    const except = command.type === 'emit' ? command.except : undefined;
    const selected: SocketConnection[] = [];
    for (const connection of this.candidates(command.targets)) {
      if (connection.isOpen && selects(connection, command.targets, except))
        selected.push(connection);
    }
    return selected;
  }

  /**
   * The connections that may match one of `targets`: for each target, the smallest set one of
   * its indexed fields names (connection, user, tenant, namespace), so that a targeted send
   * costs what its target holds, not what the node holds; every connection when a target names
   * none of them.
   */
  private candidates(targets: readonly Target[]): Iterable<SocketConnection> {
    const pools: Iterable<SocketConnection>[] = [];
    for (const target of targets) {
      const pool = this.poolFor(target);
      if (!pool) return this.everyConnection();
      pools.push(pool);
    }
    return pools.length === 1
      ? (pools[0] as Iterable<SocketConnection>)
      : new Set(pools.flatMap((pool) => [...pool]));
  }

  private *everyConnection(): Iterable<SocketConnection> {
    for (const namespace of this.namespaces) yield* namespace.connections;
  }

  private poolFor(
    target: Target,
  ): ReadonlySet<SocketConnection> | readonly SocketConnection[] | undefined {
    if (target.connection !== undefined) {
      const connection = this.index.connection(target.connection);
      return connection ? [connection] : [];
    }
    const pools: ReadonlySet<SocketConnection>[] = [];
    if (target.user !== undefined) pools.push(this.index.user(target.user));
    if (target.tenant !== undefined) pools.push(this.index.tenant(target.tenant));
    if (target.namespace !== undefined) {
      const namespace = this.namespaces.find((ns) => ns.pattern.source === target.namespace);
      pools.push(namespace?.connections ?? new Set());
    }
    return pools.reduce<ReadonlySet<SocketConnection> | undefined>(
      (smallest, pool) => (smallest && smallest.size <= pool.size ? smallest : pool),
      undefined,
    );
  }
}
