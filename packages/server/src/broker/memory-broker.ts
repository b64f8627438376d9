import type { Broker, BrokerSink, PublicationInput } from './broker.js';

/**
 * The single-process broker. Delivery is synchronous, so subscribers see publications in
 * exactly the order they were published.
 */
export class MemoryBroker implements Broker {
  private sink: BrokerSink | undefined;
  private readonly channels = new Set<string>();

  async start(sink: BrokerSink): Promise<void> {
    this.sink = sink;
  }

  async publish(input: PublicationInput): Promise<void> {
    if (!this.sink || !this.channels.has(input.channel)) return;
    this.sink.deliver({ ...input, meta: { ts: Date.now() } });
  }

  async subscribe(channel: string): Promise<void> {
    this.channels.add(channel);
  }

  async unsubscribe(channel: string): Promise<void> {
    this.channels.delete(channel);
  }

  async close(): Promise<void> {
    this.sink = undefined;
    this.channels.clear();
  }
}
