import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBroker, type HistoryPage, type HistoryQuery } from '../src/index.js';
import { startGateway, type RunningGateway } from './support/gateway-fixture.js';
import { sleep } from './support/identity.js';
import { TestClient, type Frame } from './support/test-client.js';

interface Position {
  offset: number;
  epoch: string;
}
interface AckPublication {
  event: string;
  payload: { seq: number };
  meta: { offset: number; epoch: string; ts: number };
}
interface SubscribeAck {
  recovered?: boolean;
  offset?: number;
  epoch?: string;
  publications?: AckPublication[];
}

const running: RunningGateway[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.gateway.close()));
});

/** History reads that take a while, so that publications keep arriving during every replay. */
class SlowHistoryBroker extends MemoryBroker {
  override async history(channel: string, query: HistoryQuery): Promise<HistoryPage> {
    await sleep(5);
    return super.history(channel, query);
  }
}

async function historyGateway(
  history: { size: number; ttl?: number },
  extra = {},
  broker = new MemoryBroker(),
): Promise<RunningGateway> {
  const gateway = await startGateway(
    (gw) => {
      gw.namespace('/s');
    },
    { broker, channels: { policies: { 'feed:*': { history, clientHistory: true, ...extra } } } },
  );
  running.push(gateway);
  return gateway;
}

async function subscribe(
  client: TestClient,
  channel: string,
  since?: Position,
): Promise<SubscribeAck> {
  const ack = await client.request({ type: 'subscribe', channel, ...(since && { since }) });
  expect(ack.type).toBe('ack');
  return ack.payload as SubscribeAck;
}

describe('history and recovery', () => {
  it('recovers a 1,000-message stream across three abrupt disconnects: every message once, in order', async () => {
    const { gateway, url } = await historyGateway({ size: 2_000 }, {}, new SlowHistoryBroker());
    const total = 1_000;
    const cuts = [150, 400, 700];
    const received: number[] = [];
    let position: Position | undefined;
    let publishing: Promise<void> | undefined;
    let replayed = 0;
    let eventsBeforeAck = 0;
    const recoveredFlags: (boolean | undefined)[] = [];

    for (let round = 0; round <= cuts.length; round++) {
      const cut = cuts[round];
      const client = await TestClient.connect(url('/s'));
      let acked = false;
      let cutOff = false;
      const done = new Promise<void>((resolve) => {
        client.ws.on('message', (data) => {
          const frame = JSON.parse(data.toString()) as Frame;
          if (cutOff) return; // frames still parsed after the cut count as lost
          if (frame.type === 'ack') {
            const ack = frame.payload as SubscribeAck;
            recoveredFlags.push(ack.recovered);
            replayed += ack.publications?.length ?? 0;
            for (const p of ack.publications ?? []) {
              received.push(p.payload.seq);
              position = { offset: p.meta.offset, epoch: p.meta.epoch };
            }
            if (ack.publications === undefined)
              position = { offset: ack.offset as number, epoch: ack.epoch as string };
            acked = true;
          } else if (frame.type === 'event' && frame.channel === 'feed:1') {
            if (!acked) eventsBeforeAck += 1;
            received.push((frame.payload as { seq: number }).seq);
            position = { offset: frame.meta?.offset as number, epoch: frame.meta?.epoch as string };
          }
          if (cut !== undefined && received.length >= cut) {
            cutOff = true;
            client.ws.terminate(); // destroys the socket: no close frame
            resolve();
          } else if (received.length === total) {
            resolve();
          }
        });
      });
      client.send({
        type: 'subscribe',
        id: 'sub',
        channel: 'feed:1',
        ...(position && { since: position }),
      });
      publishing ??= (async () => {
        await client.waitFor((f) => f.type === 'ack');
        for (let seq = 0; seq < total; seq++) {
          await gateway.publish('feed:1', 'tick', { seq });
          if (seq % 10 === 9) await sleep(1);
        }
      })();
      await done;
    }
    await publishing;
    expect(recoveredFlags).toEqual([undefined, true, true, true]);
    expect(eventsBeforeAck).toBe(0);
    expect(received).toEqual([...Array(total).keys()]);
    expect(position?.offset).toBe(total);
    // The cuts lost frames in flight and publications made while away; replay brought them back.
    expect(replayed).toBeGreaterThan(0);
  });

  it('answers recovered: false when the epoch changed (a new broker)', async () => {
    const first = await historyGateway({ size: 100 });
    const client = await TestClient.connect(first.url('/s'));
    const ack = await subscribe(client, 'feed:e');
    await first.gateway.publish('feed:e', 'tick', { seq: 0 });
    const event = await client.waitFor((f) => f.type === 'event');
    expect(event.meta).toMatchObject({ offset: ack.offset! + 1, epoch: ack.epoch });
    await first.gateway.close();

    const second = await historyGateway({ size: 100 });
    await second.gateway.publish('feed:e', 'tick', { seq: 1 });
    const again = await TestClient.connect(second.url('/s'));
    const since = { offset: event.meta!.offset!, epoch: event.meta!.epoch! };
    const answer = await subscribe(again, 'feed:e', since);
    expect(answer).toMatchObject({ recovered: false, offset: 1, publications: [] });
    expect(answer.epoch).not.toBe(since.epoch);
  });

  it('answers recovered: false after the history was removed, and true when nothing was missed', async () => {
    const { gateway, url } = await historyGateway({ size: 100 });
    await gateway.publish('feed:r', 'tick', { seq: 0 });
    const position = await gateway.publish('feed:r', 'tick', { seq: 1 });
    const client = await TestClient.connect(url('/s'));
    expect(await subscribe(client, 'feed:r', position)).toEqual({
      recovered: true,
      ...position,
      publications: [],
    });
    await gateway.removeHistory('feed:r');
    const later = await TestClient.connect(url('/s'));
    expect(await subscribe(later, 'feed:r', position)).toMatchObject({
      recovered: false,
      offset: 0,
    });
  });

  it('answers recovered: false when the gap was trimmed by size', async () => {
    const { gateway, url } = await historyGateway({ size: 5 });
    const position = await gateway.publish('feed:t', 'tick', { seq: 0 });
    for (let seq = 1; seq <= 6; seq++) await gateway.publish('feed:t', 'tick', { seq });
    const client = await TestClient.connect(url('/s'));
    expect(await subscribe(client, 'feed:t', position)).toMatchObject({
      recovered: false,
      offset: 7,
      publications: [],
    });
    // The last five are still there: recovering from offset 2 works.
    const recent = await TestClient.connect(url('/s'));
    const ack = await subscribe(recent, 'feed:t', { offset: 2, epoch: position!.epoch });
    expect(ack.recovered).toBe(true);
    expect(ack.publications?.map((p) => p.payload.seq)).toEqual([2, 3, 4, 5, 6]);
  });

  it('answers recovered: false when the gap expired by ttl, and starts a new epoch once all expired', async () => {
    const { gateway, url } = await historyGateway({ size: 100, ttl: 300 });
    const position = await gateway.publish('feed:x', 'tick', { seq: 0 });
    await gateway.publish('feed:x', 'tick', { seq: 1 });
    await sleep(200);
    await gateway.publish('feed:x', 'tick', { seq: 2 });
    await sleep(150);
    const client = await TestClient.connect(url('/s'));
    expect(await subscribe(client, 'feed:x', position)).toMatchObject({
      recovered: false,
      offset: 3,
      epoch: position!.epoch,
    });
    expect((await gateway.history('feed:x')).publications.map((p) => p.payload)).toEqual([
      { seq: 2 },
    ]);
    await sleep(300);
    const expired = await gateway.history('feed:x');
    expect(expired).toMatchObject({ offset: 0, publications: [] });
    expect(expired.epoch).not.toBe(position!.epoch);
  });

  it('does not recover on a channel whose policy turns recovery off', async () => {
    const { gateway, url } = await historyGateway({ size: 100 }, { recovery: false });
    const position = await gateway.publish('feed:n', 'tick', { seq: 0 });
    await gateway.publish('feed:n', 'tick', { seq: 1 });
    const client = await TestClient.connect(url('/s'));
    expect(await subscribe(client, 'feed:n', position)).toMatchObject({
      recovered: false,
      offset: 2,
    });
  });

  it('reads history on the server and from a subscribed client: since, limit, reverse', async () => {
    const { gateway, url } = await historyGateway({ size: 100 });
    for (let seq = 0; seq < 10; seq++) await gateway.publish('feed:h', 'tick', { seq });
    const { epoch } = await gateway.history('feed:h', { limit: 0 });
    const seqs = (r: { publications: { payload?: unknown }[] }) =>
      r.publications.map((p) => (p.payload as { seq: number }).seq);

    expect(seqs(await gateway.history('feed:h', { since: { offset: 7, epoch } }))).toEqual([
      7, 8, 9,
    ]);
    expect(seqs(await gateway.history('feed:h', { limit: 2 }))).toEqual([0, 1]);
    expect(seqs(await gateway.history('feed:h', { reverse: true, limit: 3 }))).toEqual([9, 8, 7]);
    expect(
      seqs(await gateway.history('feed:h', { since: { offset: 4, epoch }, reverse: true })),
    ).toEqual([2, 1, 0]);
    // A position from another epoch says nothing about this stream: everything retained comes back.
    expect(
      seqs(await gateway.history('feed:h', { since: { offset: 8, epoch: 'old' } })),
    ).toHaveLength(10);

    const client = await TestClient.connect(url('/s'));
    expect(await client.request({ type: 'history', channel: 'feed:h' })).toMatchObject({
      code: 'WS_FORBIDDEN',
      details: [{ path: 'channel' }],
    });
    await subscribe(client, 'feed:h');
    const page = await client.request({
      type: 'history',
      channel: 'feed:h',
      since: { offset: 8, epoch },
      limit: 1,
    });
    expect(page.payload).toEqual({
      offset: 10,
      epoch,
      publications: [
        { event: 'tick', payload: { seq: 8 }, meta: { offset: 9, epoch, ts: expect.any(Number) } },
      ],
      next: { offset: 9, epoch },
    });
    const last = await client.request({
      type: 'history',
      channel: 'feed:h',
      since: { offset: 9, epoch },
    });
    expect(last.payload).toMatchObject({ offset: 10, publications: [{ meta: { offset: 10 } }] });
    expect(last.payload).not.toHaveProperty('next');
    const bad = await client.request({
      type: 'history',
      channel: 'feed:h',
      limit: -1,
      reverse: 'yes',
    });
    expect(bad).toMatchObject({ code: 'WS_MESSAGE_INVALID' });
    expect(bad.details?.map((d) => d.path)).toEqual(['limit', 'reverse']);
  });
});
