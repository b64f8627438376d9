import type { PresenceClient } from '@herald/protocol';
import type { Logger } from 'pino';
import type { Broker } from '../broker/broker.js';
import { ignoreUnavailable } from '../broker/guarded-broker.js';
import type { SocketConnection } from '../connection/socket-connection.js';
import type { EffectivePolicy } from './policy-schema.js';

interface Tracked {
  client: PresenceClient;
  presence: boolean;
  joinLeave: boolean;
  /** Its join event was published: only then is a leave event owed. */
  announced: boolean;
}

/**
 * This node's part of channel presence. It writes each subscription with presence to the broker
 * with a ttl and refreshes it, so that entries of a node that dies expire; it publishes `join`
 * and `leave` events on channels that want them.
 */
export class PresenceTracker {
  private readonly local = new Map<string, Map<string, Tracked>>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly broker: Broker,
    private readonly ttl: number,
    private readonly logger: Logger,
  ) {
    this.timer = setInterval(this.refresh, Math.floor(ttl / 3));
    this.timer.unref();
  }

  /** Writes the connection's entry and join event; throws when the broker takes either not. */
  async joined(
    connection: SocketConnection,
    channel: string,
    policy: EffectivePolicy,
    info?: unknown,
  ): Promise<void> {
    if (!policy.presence && !policy.joinLeave) return;
    const client: PresenceClient = { connectionId: connection.id };
    const { userId } = connection.identity;
    if (userId !== undefined) client.userId = userId;
    if (info !== undefined) client.info = info;
    let entries = this.local.get(channel);
    if (!entries) {
      entries = new Map();
      this.local.set(channel, entries);
    }
    const tracked: Tracked = {
      client,
      presence: policy.presence,
      joinLeave: policy.joinLeave,
      announced: false,
    };
    entries.set(connection.id, tracked);
    if (policy.presence) await this.broker.addPresence(channel, client, this.ttl);
    if (policy.joinLeave) {
      await this.broker.publish({
        channel,
        event: 'join',
        payload: client,
        kind: 'join',
        except: connection.id,
      });
      tracked.announced = true;
    }
  }

  /**
   * Forgets the connection's entry here, then in the broker as far as it can: `left` completes
   * while the broker is away (see ignoreUnavailable), so that a connection can always leave.
   */
  async left(connection: SocketConnection, channel: string): Promise<void> {
    const entries = this.local.get(channel);
    const tracked = entries?.get(connection.id);
    if (!entries || !tracked) return;
    entries.delete(connection.id);
    if (entries.size === 0) this.local.delete(channel);
    if (tracked.presence) {
      await this.broker.removePresence(channel, connection.id).catch(ignoreUnavailable);
    }
    if (tracked.announced) {
      await this.broker
        .publish({ channel, event: 'leave', payload: tracked.client, kind: 'leave' })
        .catch(ignoreUnavailable);
    }
  }

  close(): void {
    clearInterval(this.timer);
  }

  private refresh = (): void => {
    for (const [channel, entries] of this.local) {
      for (const { client, presence } of entries.values()) {
        if (!presence) continue;
        // Once per outage is enough: the broker's first refusal was logged as a warning.
        this.broker.addPresence(channel, client, this.ttl).catch((error: unknown) => {
          this.logger.debug({ err: error, channel }, 'presence refresh failed');
        });
      }
    }
  };
}
