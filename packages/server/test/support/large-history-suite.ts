import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { HeraldClient, type SubscribedContext } from '@herald/client';
import type { Broker, Gateway } from '../../src/index.js';
import { until } from '../../../../test/support/until.js';
import { startGateway, type RunningGateway } from './gateway-fixture.js';
import { sleep } from './identity.js';
import { TestClient, type Frame } from './test-client.js';

export interface LargeHistoryTarget {
  /** A broker for one gateway; channel names are unique per test. */
  createBroker(): Broker | Promise<Broker>;
}

interface Position {
  offset: number;
  epoch: string;
}
interface Entry {
  payload: { seq: number };
  meta: Position;
}
interface Page {
  publications: Entry[];
  offset: number;
  epoch: string;
  next?: Position;
}

/** Half the default `backpressure.maxQueueBytes` (1 MiB): the most one answer may take. */
const pageBudget = 512 * 1024;
const blob = 'x'.repeat(20_000);
const fast = { initialDelay: 10, maxDelay: 40, factor: 2, maxAttempts: 0, shutdownJitter: 20 };

/** Publishes `count` publications of about 20 KB with consecutive `seq`s from `from`. */
async function publishBlobs(
  gateway: Gateway,
  channel: string,
  from: number,
  count: number,
): Promise<Position> {
  let position: Position | undefined;
  for (let seq = from; seq < from + count; seq++) {
    position = await gateway.publish(channel, 'blob', { seq, blob });
  }
  return position as Position;
}

/** The `seq`s of `channel` a raw client got, in arrival order: from acks and publication frames. */
function seqsOf(client: TestClient, channel: string): number[] {
  return client.frames.flatMap((frame: Frame) => {
    if (frame.type === 'event' && frame.channel === channel) {
      return [(frame.payload as { seq: number }).seq];
    }
    const publications = (frame.payload as { publications?: Entry[] } | undefined)?.publications;
    return frame.type === 'ack' && publications ? publications.map((p) => p.payload.seq) : [];
  });
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/**
 * Recovery and history larger than a connection's outbound queue, against a real gateway on
 * `target`'s broker: answers are paged or paced within the queue budget, and a gap over the
 * recovery maximum is answered `recovered: false`.
 */
export function largeHistorySuite(name: string, target: LargeHistoryTarget): void {
  describe(`recovery and history larger than the outbound queue (${name} broker)`, () => {
    const running: RunningGateway[] = [];
    const clients: HeraldClient[] = [];
    afterEach(async () => {
      for (const client of clients.splice(0)) client.close();
      await Promise.all(running.splice(0).map((r) => r.gateway.close()));
    });

    /** A gateway that counts the connections it accepted (`connects`) and those still `open`. */
    async function start(): Promise<RunningGateway & { connects: number; open: number }> {
      const history = { size: 1_000 };
      const counts = { connects: 0, open: 0 };
      const started = await startGateway(
        (gateway) => {
          gateway
            .namespace('/s')
            .onConnect(() => {
              counts.connects += 1;
              counts.open += 1;
            })
            .onDisconnect(() => {
              counts.open -= 1;
            });
        },
        {
          broker: await target.createBroker(),
          channels: {
            policies: {
              'big:*': { history, clientHistory: true },
              'capped:*': {
                history,
                recoveryMaxPublications: 50,
                recoveryMaxBytes: 256 * 1024,
              },
            },
          },
        },
      );
      running.push(started);
      return Object.assign(counts, started);
    }

    function sdkClient(url: string): HeraldClient {
      const client = new HeraldClient(url, { reconnect: fast });
      clients.push(client);
      return client;
    }

    /** An SDK client subscribed to `channel`, recording the `seq` of each publication and every `subscribed` context. */
    function sdkSubscriber(url: string, channel: string) {
      const client = sdkClient(url);
      const seqs: number[] = [];
      const contexts: SubscribedContext[] = [];
      const sub = client.subscribe<{ seq: number }>(channel, {
        publication: ({ payload }) => void seqs.push(payload.seq),
        subscribed: (context) => void contexts.push(context),
      });
      return { client, sub, seqs, contexts };
    }

    it('recovers 100 publications of 20 KB from offset 0: acked, each once and in order, still connected', async () => {
      const { gateway, url } = await start();
      const channel = `big:${randomUUID()}`;
      const { epoch } = await publishBlobs(gateway, channel, 0, 100);
      const client = await TestClient.connect(url('/s'));
      client.send({ type: 'subscribe', id: 'sub', channel, since: { offset: 0, epoch } });
      // Published while the recovery is under way: they follow it with no gap and no duplicate.
      await publishBlobs(gateway, channel, 100, 5);

      const ack = await client.waitFor((frame) => frame.id === 'sub', 10_000);
      expect(ack).toMatchObject({ type: 'ack', payload: { recovered: true, epoch } });
      await until(() => seqsOf(client, channel).length >= 105, 15_000);
      await sleep(100);
      expect(seqsOf(client, channel)).toEqual(range(0, 105));
      expect(client.ws.readyState).toBe(WebSocket.OPEN);
      expect(gateway.stats().slowConsumers).toBe(0);
    });

    it('pages a history read of the same within the queue budget, forward and in reverse', async () => {
      const { gateway, url } = await start();
      const channel = `big:${randomUUID()}`;
      const { epoch } = await publishBlobs(gateway, channel, 0, 100);
      const client = await TestClient.connect(url('/s'));
      const ackSizes = new Map<string, number>();
      client.ws.on('message', (data: Buffer) => {
        const frame = JSON.parse(data.toString()) as Frame;
        if (frame.type === 'ack') ackSizes.set(String(frame.id), data.length);
      });
      await client.request({ type: 'subscribe', channel });

      async function readAll(first: object): Promise<Page[]> {
        const pages: Page[] = [];
        let request: object = first;
        for (;;) {
          const answer = await client.request({ type: 'history', channel, ...request });
          expect(answer.type).toBe('ack');
          expect(ackSizes.get(String(answer.id))).toBeLessThanOrEqual(pageBudget);
          const page = answer.payload as Page;
          pages.push(page);
          if (!page.next) return pages;
          request = { ...first, since: page.next };
        }
      }

      const forward = await readAll({ since: { offset: 0, epoch } });
      expect(forward.length).toBeGreaterThan(1);
      expect(forward.flatMap((p) => p.publications.map((e) => e.payload.seq))).toEqual(
        range(0, 100),
      );
      expect(forward.at(-1)).toMatchObject({ offset: 100, epoch });
      const back = await readAll({ reverse: true });
      expect(back.length).toBeGreaterThan(1);
      expect(back.flatMap((p) => p.publications.map((e) => e.payload.seq))).toEqual(
        range(0, 100).reverse(),
      );
      // A client's own limit pages the same way.
      const ten = (await client.request({ type: 'history', channel, limit: 10 })).payload as Page;
      expect(ten.publications.map((e) => e.payload.seq)).toEqual(range(0, 10));
      expect(ten.next).toEqual({ offset: 10, epoch });

      expect(client.ws.readyState).toBe(WebSocket.OPEN);
      expect(gateway.stats().slowConsumers).toBe(0);
    });

    it('answers recovered: false with the current position past the maximum, and recovers within it', async () => {
      const { gateway, url } = await start();
      const client = await TestClient.connect(url('/s'));
      const subscribe = async (channel: string, since: Position) =>
        (await client.request({ type: 'subscribe', channel, since })).payload;

      // More publications than recoveryMaxPublications (50).
      const many = `capped:${randomUUID()}`;
      for (let seq = 0; seq < 60; seq++) await gateway.publish(many, 'tick', { seq });
      const { epoch } = await gateway.history(many, { limit: 0 });
      expect(await subscribe(many, { offset: 0, epoch })).toEqual({
        recovered: false,
        offset: 60,
        epoch,
        publications: [],
      });
      await gateway.publish(many, 'tick', { seq: 60 });
      const live = await client.waitFor((f) => f.channel === many);
      expect(live.meta).toMatchObject({ offset: 61, epoch });

      // More bytes than recoveryMaxBytes (256 KiB): 20 of 20 KB.
      const heavy = `capped:${randomUUID()}`;
      const top = await publishBlobs(gateway, heavy, 0, 20);
      expect(await subscribe(heavy, { offset: 0, epoch: top.epoch })).toEqual({
        recovered: false,
        offset: 20,
        epoch: top.epoch,
        publications: [],
      });

      // Within both (10 of 20 KB): recovered exactly.
      const fits = `capped:${randomUUID()}`;
      const end = await publishBlobs(gateway, fits, 0, 10);
      expect(await subscribe(fits, { offset: 0, epoch: end.epoch })).toMatchObject({
        recovered: true,
        offset: 10,
      });
      await until(() => seqsOf(client, fits).length >= 10);
      expect(seqsOf(client, fits)).toEqual(range(0, 10));
    });

    it('an SDK client that missed 2 MB reconnects once and gets every publication', async () => {
      const started = await start();
      const { gateway, url } = started;
      const channel = `big:${randomUUID()}`;
      const { client, sub, seqs, contexts } = sdkSubscriber(url('/s'), channel);
      await sub.ready;
      await publishBlobs(gateway, channel, 0, 1);
      await until(() => seqs.length === 1);
      client.close();
      await until(() => started.open === 0);
      await publishBlobs(gateway, channel, 1, 100);

      const before = started.connects;
      const closes: number[] = [];
      client.on('disconnected', ({ code }) => void closes.push(code));
      await client.connect();
      await until(() => seqs.length >= 101, 15_000);
      await sleep(300);
      expect(started.connects - before).toBe(1);
      expect(closes).toEqual([]);
      expect(seqs).toEqual(range(0, 101));
      expect(contexts.at(-1)).toMatchObject({ resubscribed: true, recovered: true });
      expect(sub.position?.offset).toBe(101);
      expect(gateway.stats().slowConsumers).toBe(0);
    });

    it('tells an SDK client recovered: false with the current position when it missed more than the maximum', async () => {
      const started = await start();
      const { gateway, url } = started;
      const channel = `capped:${randomUUID()}`;
      const { client, sub, seqs, contexts } = sdkSubscriber(url('/s'), channel);
      await sub.ready;
      client.close();
      await until(() => started.open === 0);
      let last: Position | undefined;
      for (let seq = 0; seq < 60; seq++) last = await gateway.publish(channel, 'tick', { seq });

      const before = started.connects;
      await client.connect();
      await until(() => contexts.length === 2);
      expect(contexts[1]).toEqual({
        resubscribed: true,
        recovered: false,
        reset: false,
        position: last,
      });
      await gateway.publish(channel, 'tick', { seq: 60 });
      await until(() => seqs.length === 1);
      expect(seqs).toEqual([60]);
      expect(sub.position).toEqual({ offset: 61, epoch: last?.epoch });
      expect(started.connects - before).toBe(1);
    });
  });
}
