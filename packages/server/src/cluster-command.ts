import type { UnsubscribedNotice } from '@herald/protocol';
import type { Connection } from './connection.js';
import { EncodedFrame } from './encoded-frame.js';
import type { Namespace } from './namespace.js';
import {
  describeConnection,
  selects,
  type ConnectionInfo,
  type Exclusion,
  type Target,
} from './targeting.js';

/** What one node asks of all: plain JSON, so that any broker can carry it. */
export type ClusterCommand =
  | { type: 'emit'; targets: Target[]; except: Exclusion; event: string; payload: unknown }
  | { type: 'fetch'; targets: Target[] }
  | { type: 'disconnect'; targets: Target[]; code: number; reason: string }
  | { type: 'unsubscribe'; targets: Target[]; channel: string };

/** Runs cluster commands against this node's connections. */
export class LocalNode {
  constructor(private readonly namespaces: readonly Namespace[]) {}

  /** emit, disconnect and unsubscribe answer how many connections they touched; fetch, which. */
  async execute(command: ClusterCommand): Promise<number | ConnectionInfo[]> {
    const selected = this.select(command);
    switch (command.type) {
      case 'fetch':
        return selected.map(describeConnection);
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
        for (const connection of selected) connection.close(command.code, command.reason);
        return selected.length;
      case 'unsubscribe': {
        const notice: UnsubscribedNotice = { channel: command.channel, reason: 'server' };
        const frame = new EncodedFrame({ type: 'system', event: 'unsubscribed', payload: notice });
        const leaving = selected.filter((connection) => connection.channels.has(command.channel));
        await Promise.all(
          leaving.map(async (connection) => {
            await connection.leave(command.channel);
            // Not droppable like a publication: the client must learn its subscription ended.
            connection.sendEncoded(frame.bytesFor(connection.codec));
          }),
        );
        return leaving.length;
      }
    }
  }

  private select(command: ClusterCommand): Connection[] {
    const except = command.type === 'emit' ? command.except : undefined;
    const selected: Connection[] = [];
    for (const namespace of this.namespaces) {
      for (const connection of namespace.connections) {
        if (connection.isOpen && selects(connection, command.targets, except))
          selected.push(connection);
      }
    }
    return selected;
  }
}
