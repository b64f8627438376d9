import type { PresenceEventFrame } from '@herald/protocol';
import { HeraldError, type ConnectionError } from './errors.js';
import {
  Subscription,
  type SubscribeOptions,
  type SubscriptionControl,
  type SubscriptionHandlers,
  type SubscriptionHost,
} from './subscription.js';

/**
 * The client's channel subscriptions, one per channel: made by `subscribe`, restored on every
 * session, suspended when the connection drops, and given the channel frames from the gateway.
 */
export class Subscriptions {
  readonly #byChannel = new Map<string, SubscriptionControl>();
  readonly #host: SubscriptionHost;

  constructor(host: Omit<SubscriptionHost, 'forget'>) {
    this.#host = {
      ...host,
      forget: (subscription) => {
        if (this.#byChannel.get(subscription.channel) === subscription) {
          this.#byChannel.delete(subscription.channel);
        }
      },
    };
  }

  /** See `HeraldClient.subscribe`. */
  add<P>(
    channel: string,
    handlers: SubscriptionHandlers<P>,
    options: SubscribeOptions,
  ): Subscription<P> {
    if (this.#byChannel.has(channel)) {
      throw new HeraldError('WS_DUPLICATE_SUBSCRIPTION', `already subscribed to '${channel}'`);
    }
    const subscription = new Subscription<P>(channel, this.#host, handlers, options);
    this.#byChannel.set(channel, subscription);
    if (this.#host.isConnected()) void subscription.subscribe();
    return subscription;
  }

  /** A session was accepted: every subscription asks the gateway again. */
  restore(): void {
    for (const subscription of this.#byChannel.values()) void subscription.subscribe();
  }

  /** The connection dropped: every subscription waits to be restored. */
  suspend(): void {
    for (const subscription of this.#byChannel.values()) subscription.suspend();
  }

  /** The client stopped for good: subscriptions not yet subscribed fail with `error`. */
  abandon(error: ConnectionError): void {
    for (const subscription of this.#byChannel.values()) subscription.abandon(error);
  }

  /**
   * Hands a publication, or a `system` `reset` frame, to the subscription of `channel`; false
   * when the client has none (a channel the server joined this connection to).
   */
  deliver(channel: string, frame: unknown): boolean {
    const subscription = this.#byChannel.get(channel);
    subscription?.deliver(frame);
    return subscription !== undefined;
  }

  presenceEvent(frame: PresenceEventFrame): void {
    this.#byChannel.get(frame.channel)?.presenceEvent(frame);
  }

  /** The server ended the subscription to `channel` (`system` `unsubscribed`). */
  endedByServer(channel: string): void {
    this.#byChannel.get(channel)?.endedByServer();
  }
}
