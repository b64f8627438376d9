import { ErrorCodes, HeraldError, type StreamPosition } from '@herald/protocol';
import {
  assertDeliverable,
  Broadcast,
  exceptField,
  scopeChannel,
  tenantChannel,
  type BrokerPublisher,
  type ClusterCommand,
  type HistoryRetention,
  type PublicationInput,
  type Target,
} from '@herald/server';
import { resolveEmitterOptions, type EmitterOptions } from './emitter-options.js';
import {
  checkChannel,
  checkEvent,
  checkExclusion,
  checkHistory,
  checkName,
  checkTargets,
  checkTenant,
} from './input-checks.js';

export interface EmitterPublishOptions {
  /**
   * The tenant whose channel is meant, for gateways that isolate tenants (`tenancy.isolation`):
   * the publication goes to that tenant's channel of this name. Leave it out otherwise.
   */
  tenant?: string;
  /**
   * Append the publication to the channel's history stream, bounded like a channel policy's
   * `history` (`size` publications, each kept `ttl` ms, 0: no expiry), and resolve with its
   * position. Give the channel policy's own values: the gateways trim the stream with theirs on
   * their next publication. Without it the publication is live only: subscribers get it, history
   * does not keep it.
   */
  history?: HistoryRetention;
  /** A connection id that must not receive it. */
  except?: string;
}

/**
 * Publishes and sends events to the connections of Herald gateways from any Node process, through
 * their broker, without an HTTP hop and without being a gateway: it joins no node registry,
 * receives nothing and answers no cluster command. The broker connects on first use.
 */
export class Emitter {
  readonly #broker: () => Promise<BrokerPublisher>;
  readonly #maxPayloadDepth: number;
  #connected: Promise<BrokerPublisher> | undefined;
  #closed = false;

  constructor(options: EmitterOptions | string) {
    const resolved = resolveEmitterOptions(options);
    this.#broker = resolved.broker;
    this.#maxPayloadDepth = resolved.maxPayloadDepth;
  }

  /**
   * Publishes `event` to `channel`'s subscribers on every gateway. Resolves once the broker took
   * it: with its position in the channel's stream when `options.history` was given.
   */
  async publish(
    channel: string,
    event: string,
    payload?: unknown,
    options: EmitterPublishOptions = {},
  ): Promise<StreamPosition | undefined> {
    checkChannel(channel);
    checkEvent(event);
    assertDeliverable(payload, this.#maxPayloadDepth);
    const { tenant, history, except } = options;
    if (tenant !== undefined) checkTenant(tenant);
    if (history !== undefined) checkHistory(history);
    if (except !== undefined) checkName(except, 'except');
    const input: PublicationInput = {
      channel: scopeChannel(channel, tenant),
      event,
      payload,
      ...exceptField(options),
    };
    const broker = await this.#connect();
    return this.#unavailableOnFailure('the publication was not taken', () =>
      broker.publish(input, history),
    );
  }

  /**
   * Starts a targeted event, as `gateway.to()`: `emitter.to({ user: 'u1' }).except({ connection:
   * id }).emit('notice', data)`. `emit` resolves once the broker took the command; every gateway
   * then sends the event to its matching connections. It does not say how many there were.
   */
  to(target: Target): Broadcast<void> {
    return new Broadcast<void>(
      async (targets, except, event, payload) => {
        checkTargets(targets);
        checkExclusion(except);
        checkEvent(event);
        assertDeliverable(payload, this.#maxPayloadDepth);
        const command: ClusterCommand = { type: 'emit', targets, except, event, payload };
        const broker = await this.#connect();
        await this.#unavailableOnFailure('the event was not sent', () => broker.send(command));
      },
      [target],
    );
  }

  /** Sends `event` to every connection of `tenant`, on every namespace and gateway. */
  async broadcastToTenant(tenant: string, event: string, payload?: unknown): Promise<void> {
    checkTenant(tenant);
    checkEvent(event);
    assertDeliverable(payload, this.#maxPayloadDepth);
    const broker = await this.#connect();
    await this.#unavailableOnFailure('the event was not sent', () =>
      broker.publish({ channel: tenantChannel(tenant), event, payload }),
    );
  }

  /** Disconnects from the broker; later calls reject. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const connected = this.#connected;
    this.#connected = undefined;
    const broker = await connected?.catch(() => undefined);
    await broker?.close();
  }

  /** The connected broker; a failed connection is tried again on the next call. */
  #connect(): Promise<BrokerPublisher> {
    if (this.#closed) {
      return Promise.reject(new HeraldError(ErrorCodes.WS_UNAVAILABLE, 'the emitter is closed'));
    }
    this.#connected ??= this.#broker().then(async (broker) => {
      await this.#unavailableOnFailure('the broker could not be reached', () => broker.connect());
      return broker;
    });
    this.#connected.catch(() => (this.#connected = undefined));
    return this.#connected;
  }

  /**
   * Runs `operation`; a failure of the broker becomes one retryable `WS_UNAVAILABLE` error, as
   * the gateway reports it, with the backend's error as `cause`.
   */
  async #unavailableOnFailure<T>(what: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const refusal = new HeraldError(
        ErrorCodes.WS_UNAVAILABLE,
        `${what}: the broker is unavailable (${reason}); retry later`,
      );
      refusal.cause = error;
      throw refusal;
    }
  }
}

/** `createEmitter({ broker })`, `createEmitter({ url })` or `createEmitter('redis://…')`. */
export function createEmitter(options: EmitterOptions | string): Emitter {
  return new Emitter(options);
}
