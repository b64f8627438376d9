import type { Broker, BrokerSink, ClusterCommand, Publication } from '../../src/index.js';

/** A started broker as one node sees it, with everything its sink was handed. */
export interface BrokerNode<B extends Broker> {
  broker: B;
  delivered: Publication[];
  /** How often the broker said it resubscribed after an outage. */
  resubscribed: number;
}

/** Starts `broker` with a sink that records deliveries and answers cluster commands with `answer`. */
export async function startBrokerNode<B extends Broker>(
  broker: B,
  answer: (command: ClusterCommand) => unknown = () => null,
): Promise<BrokerNode<B>> {
  const node: BrokerNode<B> = { broker, delivered: [], resubscribed: 0 };
  const sink: BrokerSink = {
    deliver: (publication) => void node.delivered.push(publication),
    execute: async (command) => answer(command),
    resubscribed: () => void (node.resubscribed += 1),
  };
  await broker.start(sink);
  return node;
}
