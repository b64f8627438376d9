import type { PresenceClient, PresenceStats, StreamPosition } from '@herald/protocol';
import type { ClusterCommand } from '../cluster/cluster-command.js';
import type {
  Broker,
  BrokerSink,
  HistoryPage,
  HistoryQuery,
  HistoryRetention,
  Publication,
  PublicationInput,
} from './broker.js';
import { MemoryHistory } from './memory-history.js';
import { MemoryPresence } from './memory-presence.js';

/**
 * The single-process broker. Delivery is synchronous, so subscribers see publications in
 * exactly the order they were published, and a publication is in history before anyone gets it.
 */
export class MemoryBroker implements Broker {
  private sink: BrokerSink | undefined;
  private readonly channels = new Set<string>();
  private readonly streams = new MemoryHistory();
  private readonly present = new MemoryPresence();

  async start(sink: BrokerSink): Promise<void> {
    this.sink = sink;
  }

  async publish(
    input: PublicationInput,
    history?: HistoryRetention,
  ): Promise<StreamPosition | undefined> {
    const publication: Publication = { ...input, meta: { ts: Date.now() } };
    const position = history ? this.streams.append(publication, history) : undefined;
    if (this.sink && this.channels.has(input.channel)) this.sink.deliver(publication);
    return position;
  }

  async subscribe(channel: string): Promise<void> {
    this.channels.add(channel);
  }

  async unsubscribe(channel: string): Promise<void> {
    this.channels.delete(channel);
  }

  async history(channel: string, query: HistoryQuery): Promise<HistoryPage> {
    return this.streams.read(channel, query);
  }

  async removeHistory(channel: string): Promise<void> {
    this.streams.remove(channel);
  }

  async addPresence(channel: string, client: PresenceClient, ttl: number): Promise<void> {
    this.present.add(channel, client, ttl);
  }

  async removePresence(channel: string, connectionId: string): Promise<void> {
    this.present.remove(channel, connectionId);
  }

  async presence(channel: string): Promise<PresenceClient[]> {
    return this.present.clients(channel);
  }

  async presenceStats(channel: string): Promise<PresenceStats> {
    return this.present.stats(channel);
  }

  /** One node: the answer is this node's own. */
  async command(command: ClusterCommand): Promise<unknown[]> {
    return this.sink ? [await this.sink.execute(command)] : [];
  }

  async close(): Promise<void> {
    this.sink = undefined;
    this.channels.clear();
    this.streams.clear();
    this.present.clear();
  }
}
