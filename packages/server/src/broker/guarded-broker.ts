import {
  ErrorCodes,
  type PresenceClient,
  type PresenceStats,
  type StreamPosition,
} from '@herald/protocol';
import type { Logger } from 'pino';
import type { ClusterCommand } from '../cluster/cluster-command.js';
import { HeraldError, isHeraldError } from '../errors.js';
import { assertDeliverable } from '../validation/payload-guard.js';
import { tracePublish } from '../tracing/publication-spans.js';
import type {
  Broker,
  BrokerHealth,
  BrokerSink,
  HistoryPage,
  HistoryQuery,
  HistoryRetention,
  PublicationInput,
} from './broker.js';
import type { SharedLimits } from './shared-limits.js';

/**
 * The broker as the gateway uses it. Every publication passes through `publish` here, so this is
 * where one that some codec could not carry (see `assertDeliverable`) is refused, before it is
 * stored or fanned out. An operation the broker could not carry out (its backend is away, a read
 * or write failed or timed out) reaches the caller as one refusal: a `WS_UNAVAILABLE` HeraldError
 * saying that nothing was done and to retry later, never the backend's own error. An outage is an expected condition, not a fault: its first failure is
 * logged as a warning, the others at debug level, and the first success after it (once the
 * broker's health is `ok` again) says that the broker is back.
 */
export class GuardedBroker implements Broker {
  /** A failure was reported and nothing has succeeded since. */
  private away = false;

  constructor(
    private readonly inner: Broker,
    private readonly logger: Logger,
    /** How deeply a publication's payload may nest (the gateway's `maxPayloadDepth`). */
    private readonly maxPayloadDepth: number,
  ) {}

  /** Rejects with `WS_UNAVAILABLE` when the backend cannot be reached; `cause` is its error. */
  async start(sink: BrokerSink): Promise<void> {
    try {
      await this.inner.start(sink);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const refusal = new HeraldError(
        ErrorCodes.WS_UNAVAILABLE,
        `the broker could not start: ${reason}`,
      );
      refusal.cause = error;
      throw refusal;
    }
  }

  /** Used by the limits, which decide themselves what an unreachable backend means. */
  get limits(): SharedLimits | undefined {
    return this.inner.limits;
  }

  health(): BrokerHealth {
    return this.inner.health?.() ?? { status: 'ok' };
  }

  /** The backend's round-trip time in ms; 0 for a broker without one (see `Broker.ping`). */
  ping(): Promise<number> {
    return this.inner.ping ? this.inner.ping() : Promise.resolve(0);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  publish(
    publication: PublicationInput,
    history?: HistoryRetention,
  ): Promise<StreamPosition | undefined> {
    assertDeliverable(publication.payload, this.maxPayloadDepth);
    return tracePublish(publication, (traced) =>
      this.guard('the publication was not taken', traced.channel, () =>
        this.inner.publish(traced, history),
      ),
    );
  }

  subscribe(channel: string): Promise<void> {
    return this.guard('the channel was not subscribed', channel, () =>
      this.inner.subscribe(channel),
    );
  }

  unsubscribe(channel: string): Promise<void> {
    return this.guard('the channel was not unsubscribed', channel, () =>
      this.inner.unsubscribe(channel),
    );
  }

  history(channel: string, query: HistoryQuery): Promise<HistoryPage> {
    return this.guard('the history was not read', channel, () =>
      this.inner.history(channel, query),
    );
  }

  removeHistory(channel: string): Promise<void> {
    return this.guard('the history was not removed', channel, () =>
      this.inner.removeHistory(channel),
    );
  }

  addPresence(channel: string, client: PresenceClient, ttl: number): Promise<void> {
    return this.guard('the presence entry was not written', channel, () =>
      this.inner.addPresence(channel, client, ttl),
    );
  }

  removePresence(channel: string, connectionId: string): Promise<void> {
    return this.guard('the presence entry was not removed', channel, () =>
      this.inner.removePresence(channel, connectionId),
    );
  }

  presence(channel: string): Promise<PresenceClient[]> {
    return this.guard('the presence was not read', channel, () => this.inner.presence(channel));
  }

  presenceStats(channel: string): Promise<PresenceStats> {
    return this.guard('the presence was not read', channel, () =>
      this.inner.presenceStats(channel),
    );
  }

  command(command: ClusterCommand, timeout: number): Promise<unknown[]> {
    return this.guard('the cluster command was not sent', undefined, () =>
      this.inner.command(command, timeout),
    );
  }

  private async guard<T>(
    what: string,
    channel: string | undefined,
    operation: () => Promise<T>,
  ): Promise<T> {
    let result: T;
    try {
      result = await operation();
    } catch (error) {
      throw this.refusal(error, what, channel);
    }
    if (this.away && this.health().status === 'ok') {
      this.away = false;
      this.logger.info('the broker answers again');
    }
    return result;
  }

  private refusal(error: unknown, what: string, channel: string | undefined): HeraldError {
    // A broker may refuse with a code of its own; that is an answer, not an outage.
    if (isHeraldError(error)) return error;
    if (this.away) {
      this.logger.debug({ err: error, channel }, `${what}: the broker is unavailable`);
    } else {
      this.away = true;
      this.logger.warn(
        { err: error, channel },
        'the broker is unavailable: what needs it is refused with WS_UNAVAILABLE until it answers again',
      );
    }
    return new HeraldError(
      ErrorCodes.WS_UNAVAILABLE,
      `${what}: the broker is unavailable; retry later`,
    );
  }
}

/**
 * For what leaving a channel asks of the broker: the connection has left on this node whatever
 * the broker says. A refusal (already logged above) is dropped: a presence entry the broker
 * could not remove expires with its ttl, and a leave event it did not take reached no one.
 */
export function ignoreUnavailable(error: unknown): void {
  if (!isHeraldError(error) || error.code !== ErrorCodes.WS_UNAVAILABLE) throw error;
}
