import type {
  PresenceClient,
  PresenceStats,
  PublicationMeta,
  StreamPosition,
  TraceContext,
} from '@herald/protocol';
import type { ClusterCommand } from '../cluster/cluster-command.js';
import type { SharedLimits } from './shared-limits.js';

/** A message on its way to a channel's subscribers, on every node. */
export interface Publication {
  channel: string;
  event: string;
  payload: unknown;
  /** A connection id that must not receive it (usually the sender). */
  except?: string;
  /** Set for presence events: delivered as a `join`/`leave` frame whose client is `payload`. */
  kind?: 'join' | 'leave';
  /**
   * The W3C trace context (`traceparent`, `tracestate`) of the span that published it, set when
   * tracing is on: each node's delivery span becomes its child. A broker carries it unchanged.
   */
  trace?: TraceContext;
  /** Stamped by the broker: timestamp, and offset/epoch for channels with history. */
  meta: PublicationMeta;
}

export type PublicationInput = Omit<Publication, 'meta'>;

/** How a channel's history stream is bounded; set per publish from the channel's policy. */
export interface HistoryRetention {
  /** Most publications kept. */
  size: number;
  /** Milliseconds a publication is kept; 0 keeps it until trimmed by size. */
  ttl: number;
}

/**
 * A history read. Forward: publications with an offset above `since` (all when absent), oldest
 * first. With `reverse`: offsets below `since` (all when absent), newest first. `limit` caps the
 * count (taken from the oldest forward, from the newest in reverse); absent means no cap.
 */
export interface HistoryQuery {
  since?: number;
  limit?: number;
  reverse?: boolean;
}

/** Publications from a stream, and the stream's top: the last offset given and its epoch. */
export interface HistoryPage extends StreamPosition {
  publications: Publication[];
}

/** Where a broker hands what it receives for this node. */
export interface BrokerSink {
  deliver(publication: Publication): void;
  /** Runs a cluster command against this node's connections and returns this node's answer. */
  execute(command: ClusterCommand): Promise<unknown>;
  /**
   * Called after the broker restored this node's channel subscriptions once its backend was
   * back: publications may have been missed meanwhile, so the node reads its streams again.
   */
  resubscribed(): void;
}

/**
 * Moves publications between nodes and keeps what the cluster shares: channel history, presence,
 * and cluster-wide commands. The gateway subscribes a node to a channel only while it has local
 * subscribers, and unsubscribes when the last one leaves. This interface is the only part of
 * Herald that knows other nodes exist; docs/brokers.md describes each method's contract.
 */
export interface Broker {
  /** Connects the broker to this node's delivery path. Called once, before anything else. */
  start(sink: BrokerSink): Promise<void>;
  /**
   * Sends a publication to every node subscribed to its channel, this one included. With
   * `history`, first appends it to the channel's stream (atomically giving it the next offset)
   * and trims the stream; resolves with its position then. Rejects when the backend did not
   * take the publication (it is then delivered nowhere, not even on this node).
   */
  publish(
    publication: PublicationInput,
    history?: HistoryRetention,
  ): Promise<StreamPosition | undefined>;
  subscribe(channel: string): Promise<void>;
  unsubscribe(channel: string): Promise<void>;

  /** Reads a channel's stream. A channel never published to gets a fresh epoch at offset 0. */
  history(channel: string, query: HistoryQuery): Promise<HistoryPage>;
  /** Forgets a channel's stream; its next publication starts a new epoch. */
  removeHistory(channel: string): Promise<void>;

  /** Adds or refreshes one connection in a channel's presence; it expires after `ttl` ms. */
  addPresence(channel: string, client: PresenceClient, ttl: number): Promise<void>;
  removePresence(channel: string, connectionId: string): Promise<void>;
  presence(channel: string): Promise<PresenceClient[]>;
  presenceStats(channel: string): Promise<PresenceStats>;

  /**
   * Runs `command` on every live node (this one included, through its sink's `execute`) and
   * resolves with the answers of those that answered within `timeout` ms.
   */
  command(command: ClusterCommand, timeout: number): Promise<unknown[]>;

  /**
   * Counts shared by the nodes, for limits and rates that hold cluster-wide. Optional: without
   * it (the memory broker, one node) every limit is counted by each node alone.
   */
  readonly limits?: SharedLimits;

  /** Whether the broker reaches its backend. Optional: a broker without it counts as `ok`. */
  health?(): BrokerHealth;

  /**
   * Resolves with the round-trip time to the backend in milliseconds, or rejects when the
   * backend does not answer. Read at each metrics scrape (`herald_broker_rtt_seconds`).
   * Optional: a broker without a backend (the memory broker) leaves it out and reports 0.
   */
  ping?(): Promise<number>;

  close(): Promise<void>;
}

/**
 * What a process that only sends needs of a broker (`@herald/emitter`): it is no gateway node, so
 * it joins no node registry, receives no publication and answers no command. The Redis and NATS
 * brokers implement it beside `Broker`; one instance is either started as a node (`start`) or
 * connected as a publisher (`connect`), never both.
 */
export interface BrokerPublisher extends Pick<Broker, 'publish' | 'close'> {
  /** Connects to the backend for sending only; called once, instead of `start`. */
  connect(): Promise<void>;
  /**
   * Hands `command` to every live node, which runs it as it runs `Broker.command`'s, without
   * waiting for their answers (none is sent). Resolves once the backend took it; rejects when it
   * did not.
   */
  send(command: ClusterCommand): Promise<void>;
}

/**
 * `degraded`: the backend is unreachable; the node still serves its own clients, but refuses
 * publications until it is back.
 */
export interface BrokerHealth {
  status: 'ok' | 'degraded';
  detail?: string;
}
