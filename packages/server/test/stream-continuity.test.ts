import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBroker, type BrokerSink } from '../src/index.js';
import { startGateway, type RunningGateway } from './support/gateway-fixture.js';
import { TestClient, type Frame } from './support/test-client.js';

/**
 * A broker whose fan-out to this node can be cut while publications are still stored, as a
 * node's fan-out is while it resubscribes after an outage; `resume()` says it resubscribed.
 */
class LossyBroker extends MemoryBroker {
  lossy = false;
  #sink: BrokerSink | undefined;

  override async start(sink: BrokerSink): Promise<void> {
    this.#sink = sink;
    await super.start({
      ...sink,
      deliver: (publication) => {
        if (!this.lossy) sink.deliver(publication);
      },
    });
  }

  resume(): void {
    this.lossy = false;
    this.#sink?.resubscribed();
  }
}

const running: RunningGateway[] = [];
const clients: TestClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  for (const { gateway } of running.splice(0)) await gateway.close();
});

async function start(size = 100): Promise<{ broker: LossyBroker; node: RunningGateway }> {
  const broker = new LossyBroker();
  const node = await startGateway((gateway) => gateway.namespace('/app'), {
    broker,
    channels: { policies: { 'feed:*': { history: { size } } } },
  });
  running.push(node);
  return { broker, node };
}

async function subscriber(node: RunningGateway): Promise<TestClient> {
  const client = await TestClient.connect(node.url('/app'));
  clients.push(client);
  const ack = await client.request({ type: 'subscribe', channel: 'feed:1' });
  expect(ack.type).toBe('ack');
  return client;
}

/** What a subscriber got on the channel: `n@offset` for publications, `reset:…` for resets. */
const stream = (client: TestClient): string[] =>
  client.frames.flatMap((frame: Frame) => {
    if (frame.type === 'event' && frame.channel === 'feed:1')
      return [`${String(frame.payload)}@${frame.meta?.offset}`];
    if (frame.type === 'system' && frame.event === 'reset') {
      const notice = frame.payload as { offset: number; reason: string };
      return [`reset:${notice.reason}@${notice.offset}`];
    }
    return [];
  });

const publish = (node: RunningGateway, n: number) => node.gateway.publish('feed:1', 'e', n);

describe('a node that missed publications of a stream', () => {
  it('reads them back from history before the next one, in order and once', async () => {
    const { broker, node } = await start();
    const client = await subscriber(node);
    await publish(node, 1);
    broker.lossy = true;
    await publish(node, 2);
    await publish(node, 3);
    broker.lossy = false;
    await publish(node, 4);
    await client.waitForCount((f) => f.channel === 'feed:1', 4);
    await publish(node, 5);
    await client.waitForCount((f) => f.channel === 'feed:1', 5);
    expect(stream(client)).toEqual(['1@1', '2@2', '3@3', '4@4', '5@5']);
  });

  it('reads them back when the broker says it resubscribed, without waiting for a publication', async () => {
    const { broker, node } = await start();
    const client = await subscriber(node);
    await publish(node, 1);
    broker.lossy = true;
    await publish(node, 2);
    await publish(node, 3);
    broker.resume();
    await client.waitForCount((f) => f.channel === 'feed:1', 3);
    expect(stream(client)).toEqual(['1@1', '2@2', '3@3']);
  });

  it('announces a gap that history no longer holds, then goes on', async () => {
    const { broker, node } = await start(2);
    const client = await subscriber(node);
    await publish(node, 1);
    broker.lossy = true;
    for (let n = 2; n <= 6; n++) await publish(node, n);
    broker.lossy = false;
    await publish(node, 7);
    await client.waitForCount((f) => f.channel === 'feed:1', 3);
    expect(stream(client)).toEqual(['1@1', 'reset:gap@5', '6@6', '7@7']);
  });

  it('sends a subscriber that joined ahead of its node only what follows its ack', async () => {
    const { broker, node } = await start();
    const early = await subscriber(node);
    await publish(node, 1);
    broker.lossy = true;
    await publish(node, 2);
    await publish(node, 3);
    const late = await subscriber(node);
    expect(late.frames.find((f) => f.type === 'ack')?.payload).toMatchObject({ offset: 3 });
    broker.lossy = false;
    await publish(node, 4);
    await early.waitForCount((f) => f.channel === 'feed:1', 4);
    await late.waitForCount((f) => f.channel === 'feed:1', 1);
    await publish(node, 5);
    await late.waitForCount((f) => f.channel === 'feed:1', 2);
    await early.waitForCount((f) => f.channel === 'feed:1', 5);
    expect(stream(early)).toEqual(['1@1', '2@2', '3@3', '4@4', '5@5']);
    expect(stream(late)).toEqual(['4@4', '5@5']);
  });
});

describe('a stream that restarts with a new epoch', () => {
  it('tells its subscribers before the first publication of the new epoch', async () => {
    const { node } = await start();
    const client = await subscriber(node);
    await publish(node, 1);
    await publish(node, 2);
    await node.gateway.removeHistory('feed:1');
    await publish(node, 3);
    const reset = await client.waitFor((f) => f.type === 'system' && f.event === 'reset');
    await client.waitForCount((f) => f.channel === 'feed:1', 3);
    expect(stream(client)).toEqual(['1@1', '2@2', 'reset:epoch@0', '3@1']);
    const newEpoch = client.frames.at(-1)?.meta?.epoch;
    expect(reset.payload).toEqual({
      channel: 'feed:1',
      offset: 0,
      epoch: newEpoch,
      reason: 'epoch',
    });
    expect(newEpoch).not.toBe(client.frames.find((f) => f.channel === 'feed:1')?.meta?.epoch);
  });

  it('tells them when the broker resubscribed and the stream is gone, before anything is published', async () => {
    const { broker, node } = await start();
    const client = await subscriber(node);
    await publish(node, 1);
    broker.lossy = true;
    await node.gateway.removeHistory('feed:1');
    broker.resume();
    const reset = await client.waitFor((f) => f.type === 'system' && f.event === 'reset');
    expect(reset.payload).toMatchObject({ channel: 'feed:1', offset: 0, reason: 'epoch' });
    await publish(node, 2);
    await client.waitForCount((f) => f.channel === 'feed:1', 2);
    expect(stream(client)).toEqual(['1@1', 'reset:epoch@0', '2@1']);
    const [first, second] = client.frames.filter((f) => f.channel === 'feed:1');
    expect(second?.meta?.epoch).toBe((reset.payload as { epoch: string }).epoch);
    expect(second?.meta?.epoch).not.toBe(first?.meta?.epoch);
  });
});
