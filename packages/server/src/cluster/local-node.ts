import type { UnsubscribedNotice } from '@herald/protocol';
import type { AuditLog } from '../audit/audit-log.js';
import { subjectFields } from '../audit/audit-record.js';
import { reservedChannelPrefix } from '../channels/channel-names.js';
import type { ChannelRegistry } from '../channels/channel-registry.js';
import type { SocketConnection } from '../connection/socket-connection.js';
import { EncodedFrame } from '../transport/encoded-frame.js';
import type { Namespace } from '../namespace/namespace.js';
import type { ChannelCount, ClusterCommand } from './cluster-command.js';
import { describeConnection, selects, type ConnectionInfo } from './targeting.js';

/** Runs cluster commands against this node's connections. */
export class LocalNode {
  constructor(
    private readonly namespaces: readonly Namespace[],
    private readonly registry: ChannelRegistry,
    private readonly audit: AuditLog,
  ) {}

  /**
   * emit, disconnect and unsubscribe answer how many connections they touched; fetch, which;
   * users, the distinct user ids among them; channels, this node's subscribed channels with
   * their local subscriber counts.
   */
  async execute(
    command: ClusterCommand,
  ): Promise<number | ConnectionInfo[] | string[] | ChannelCount[]> {
    if (command.type === 'channels') return this.channels();
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
      case 'disconnect':
        for (const connection of selected) {
          // Recorded on the node that held the connection, which knows who it was.
          this.audit.record('connection.kicked', {
            ...subjectFields(connection),
            closeCode: command.code,
            reason: command.reason,
          });
          connection.close(command.code, command.reason);
        }
        return selected.length;
      case 'unsubscribe': {
        const notice: UnsubscribedNotice = { channel: command.channel, reason: 'server' };
        const frame = new EncodedFrame({ type: 'system', event: 'unsubscribed', payload: notice });
        const leaving = selected.filter((connection) => connection.channels.has(command.channel));
        await Promise.all(
          leaving.map(async (connection) => {
            await connection.leave(command.channel);
            // Not droppable like a publication: the client must learn its subscription ended.
            connection.out.shared(frame);
          }),
        );
        return leaving.length;
      }
    }
  }

  /** The gateway's own `$` channels (namespaces, tenants) are left out. */
  private channels(): ChannelCount[] {
    const counts: ChannelCount[] = [];
    for (const channel of this.registry.channels()) {
      if (channel.startsWith(reservedChannelPrefix)) continue;
      counts.push({ channel, subscribers: this.registry.subscriberCount(channel) });
    }
    return counts;
  }

  private select(command: Exclude<ClusterCommand, { type: 'channels' }>): SocketConnection[] {
    const except = command.type === 'emit' ? command.except : undefined;
    const selected: SocketConnection[] = [];
    for (const namespace of this.namespaces) {
      for (const connection of namespace.connections) {
        if (connection.isOpen && selects(connection, command.targets, except))
          selected.push(connection);
      }
    }
    return selected;
  }
}
