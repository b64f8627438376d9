import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Broker } from '../../src/index.js';
import { startBrokerNode, type BrokerNode } from './broker-node.js';
import { until } from '../../../../test/support/until.js';

export interface ConformanceTarget {
  /** Makes a new broker for one node; all brokers made by one target share one backend. */
  createBroker(): Promise<Broker> | Broker;
  /** False for the memory broker, whose nodes cannot share anything. */
  multiNode: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The contract of docs/brokers.md as tests. Every broker (memory, Redis, NATS) runs this same
 * suite; channel names are unique per test so runs against a shared server do not interfere.
 */
export function brokerConformance(name: string, target: ConformanceTarget): void {
  describe(`${name} broker conformance`, () => {
    const nodes: BrokerNode<Broker>[] = [];
    afterEach(async () => {
      await Promise.all(nodes.splice(0).map((node) => node.broker.close()));
    });

    /** A node whose command answers name it, so that tests can tell which nodes answered. */
    async function node(label = `n${nodes.length + 1}`): Promise<BrokerNode<Broker>> {
      const created = await startBrokerNode(await target.createBroker(), (command) => ({
        node: label,
        command: command.type,
      }));
      nodes.push(created);
      return created;
    }

    const channel = (label: string) => `conf:${label}:${randomUUID()}`;

    it('delivers a publication to a subscribed node, in order, with a timestamp', async () => {
      const a = await node();
      const ch = channel('order');
      await a.broker.subscribe(ch);
      const before = Date.now();
      for (let i = 0; i < 200; i++)
        await a.broker.publish({ channel: ch, event: 'e', payload: { i } });
      await until(() => a.delivered.length === 200);
      expect(a.delivered.map((p) => (p.payload as { i: number }).i)).toEqual([
        ...Array(200).keys(),
      ]);
      expect(a.delivered[0]?.meta.ts).toBeGreaterThanOrEqual(before - 1_000);
      expect(a.delivered[0]).toMatchObject({ channel: ch, event: 'e' });
    });

    it('carries except, kind and trace unchanged and delivers nothing for unsubscribed channels', async () => {
      const a = await node();
      const ch = channel('fields');
      const other = channel('other');
      const trace = {
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        tracestate: 'vendor=1',
      };
      await a.broker.subscribe(ch);
      await a.broker.publish({ channel: other, event: 'nope', payload: null });
      await a.broker.publish({
        channel: ch,
        event: 'joined',
        payload: { connectionId: 'c1' },
        except: 'c9',
        kind: 'join',
        trace,
      });
      await until(() => a.delivered.length === 1);
      expect(a.delivered[0]).toMatchObject({
        except: 'c9',
        kind: 'join',
        trace,
        payload: { connectionId: 'c1' },
      });
      await a.broker.unsubscribe(ch);
      await a.broker.publish({ channel: ch, event: 'late', payload: null });
      await sleep(100);
      expect(a.delivered).toHaveLength(1);
      // History keeps it too, for a node that reads back what it missed.
      await a.broker.publish(
        { channel: other, event: 'kept', payload: 1, trace },
        { size: 5, ttl: 0 },
      );
      const page = await a.broker.history(other, {});
      expect(page.publications.at(-1)).toMatchObject({ event: 'kept', trace });
    });

    it('gives history strictly increasing offsets under one epoch, readable forward and reverse', async () => {
      const a = await node();
      const ch = channel('history');
      const positions = [];
      for (let i = 1; i <= 10; i++) {
        positions.push(
          await a.broker.publish({ channel: ch, event: 'e', payload: i }, { size: 100, ttl: 0 }),
        );
      }
      expect(positions.map((p) => p?.offset)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      const epoch = positions[0]?.epoch;
      expect(typeof epoch).toBe('string');
      expect(new Set(positions.map((p) => p?.epoch))).toEqual(new Set([epoch]));

      const all = await a.broker.history(ch, {});
      expect(all).toMatchObject({ offset: 10, epoch });
      expect(all.publications.map((p) => p.payload)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(all.publications[0]?.meta).toMatchObject({ offset: 1, epoch });

      const since = await a.broker.history(ch, { since: 7 });
      expect(since.publications.map((p) => p.meta.offset)).toEqual([8, 9, 10]);
      const limited = await a.broker.history(ch, { since: 2, limit: 3 });
      expect(limited.publications.map((p) => p.meta.offset)).toEqual([3, 4, 5]);
      const reverse = await a.broker.history(ch, { reverse: true, limit: 3 });
      expect(reverse.publications.map((p) => p.meta.offset)).toEqual([10, 9, 8]);
      const reverseSince = await a.broker.history(ch, { reverse: true, since: 4 });
      expect(reverseSince.publications.map((p) => p.meta.offset)).toEqual([3, 2, 1]);
      const positionOnly = await a.broker.history(ch, { limit: 0 });
      expect(positionOnly).toEqual({ offset: 10, epoch, publications: [] });
    });

    it('stamps delivered publications with their offset and epoch, readable before delivery', async () => {
      const a = await node();
      const ch = channel('stamped');
      await a.broker.subscribe(ch);
      const readsAtDelivery: number[] = [];
      const sink = a.delivered;
      const position = await a.broker.publish(
        { channel: ch, event: 'e', payload: 'x' },
        { size: 10, ttl: 0 },
      );
      await until(() => sink.length === 1);
      expect(sink[0]?.meta).toMatchObject({ offset: position?.offset, epoch: position?.epoch });
      readsAtDelivery.push((await a.broker.history(ch, {})).publications.length);
      expect(readsAtDelivery).toEqual([1]);
    });

    it('trims history by size and by age', async () => {
      const a = await node();
      const bySize = channel('size');
      for (let i = 1; i <= 8; i++)
        await a.broker.publish({ channel: bySize, event: 'e', payload: i }, { size: 3, ttl: 0 });
      const page = await a.broker.history(bySize, {});
      expect(page.offset).toBe(8);
      expect(page.publications.map((p) => p.meta.offset)).toEqual([6, 7, 8]);

      const byAge = channel('age');
      await a.broker.publish(
        { channel: byAge, event: 'e', payload: 'old' },
        { size: 10, ttl: 300 },
      );
      await sleep(200);
      await a.broker.publish(
        { channel: byAge, event: 'e', payload: 'new' },
        { size: 10, ttl: 300 },
      );
      await sleep(150);
      const aged = await a.broker.history(byAge, {});
      expect(aged.publications.map((p) => p.payload)).toEqual(['new']);
      expect(aged.offset).toBe(2);
    });

    it('starts a new epoch when history is lost: removed, or expired entirely', async () => {
      const a = await node();
      const ch = channel('epoch');
      const first = await a.broker.publish(
        { channel: ch, event: 'e', payload: 1 },
        { size: 10, ttl: 0 },
      );
      await a.broker.removeHistory(ch);
      const second = await a.broker.publish(
        { channel: ch, event: 'e', payload: 2 },
        { size: 10, ttl: 0 },
      );
      expect(second?.epoch).not.toBe(first?.epoch);
      expect(second?.offset).toBe(1);

      const expiring = channel('expiring');
      const old = await a.broker.publish(
        { channel: expiring, event: 'e', payload: 1 },
        { size: 10, ttl: 150 },
      );
      await sleep(300);
      const fresh = await a.broker.publish(
        { channel: expiring, event: 'e', payload: 2 },
        { size: 10, ttl: 150 },
      );
      expect(fresh?.epoch).not.toBe(old?.epoch);
    });

    it('answers a never-published channel with offset 0 and an epoch its first publication keeps', async () => {
      const a = await node();
      const ch = channel('fresh');
      const empty = await a.broker.history(ch, {});
      expect(empty).toMatchObject({ offset: 0, publications: [] });
      const first = await a.broker.publish(
        { channel: ch, event: 'e', payload: 1 },
        { size: 10, ttl: 0 },
      );
      expect(first).toEqual({ offset: 1, epoch: empty.epoch });
    });

    it('keeps presence with expiry, refresh, removal and stats', async () => {
      const a = await node();
      const ch = channel('presence');
      await a.broker.addPresence(
        ch,
        { connectionId: 'c1', userId: 'ada', info: { device: 'web' } },
        300,
      );
      await a.broker.addPresence(ch, { connectionId: 'c2', userId: 'ada' }, 300);
      await a.broker.addPresence(ch, { connectionId: 'c3', userId: 'bob' }, 300);
      await a.broker.addPresence(ch, { connectionId: 'c4' }, 300);
      const listed = await a.broker.presence(ch);
      expect(listed.map((c) => c.connectionId).sort()).toEqual(['c1', 'c2', 'c3', 'c4']);
      expect(listed.find((c) => c.connectionId === 'c1')).toEqual({
        connectionId: 'c1',
        userId: 'ada',
        info: { device: 'web' },
      });
      expect(await a.broker.presenceStats(ch)).toEqual({ connections: 4, users: 2 });

      await a.broker.removePresence(ch, 'c4');
      await sleep(150);
      await a.broker.addPresence(
        ch,
        { connectionId: 'c1', userId: 'ada', info: { device: 'web' } },
        300,
      ); // refresh
      await sleep(250);
      // c2 and c3 expired (added 400 ms ago with a 300 ms ttl); c1 was refreshed 250 ms ago.
      expect((await a.broker.presence(ch)).map((c) => c.connectionId)).toEqual(['c1']);
      expect(await a.broker.presenceStats(ch)).toEqual({ connections: 1, users: 1 });
    });

    it('runs cluster commands on this node', async () => {
      const a = await node('solo');
      const answers = await a.broker.command({ type: 'fetch', targets: [] }, 1_000);
      expect(answers).toContainEqual({ node: 'solo', command: 'fetch' });
    });

    if (!target.multiNode) return;

    it('fans out across nodes: only subscribed nodes receive, each once, in order', async () => {
      const [a, b, c] = [await node('a'), await node('b'), await node('c')];
      const ch = channel('fanout');
      await a.broker.subscribe(ch);
      await b.broker.subscribe(ch);
      for (let i = 0; i < 100; i++)
        await c.broker.publish(
          { channel: ch, event: 'e', payload: i },
          i % 2 ? { size: 100, ttl: 0 } : undefined,
        );
      await until(() => a.delivered.length === 100 && b.delivered.length === 100);
      expect(a.delivered.map((p) => p.payload)).toEqual([...Array(100).keys()]);
      expect(b.delivered.map((p) => p.payload)).toEqual([...Array(100).keys()]);
      await sleep(100);
      expect(c.delivered).toHaveLength(0);
      expect(a.delivered.length).toBe(100);
    });

    it('shares history and presence between nodes', async () => {
      const [a, b] = [await node('a'), await node('b')];
      const ch = channel('shared');
      await a.broker.publish({ channel: ch, event: 'e', payload: 'from a' }, { size: 10, ttl: 0 });
      const position = await b.broker.publish(
        { channel: ch, event: 'e', payload: 'from b' },
        { size: 10, ttl: 0 },
      );
      expect(position?.offset).toBe(2);
      expect((await a.broker.history(ch, {})).publications.map((p) => p.payload)).toEqual([
        'from a',
        'from b',
      ]);
      await a.broker.addPresence(ch, { connectionId: 'ca', userId: 'u1' }, 5_000);
      await b.broker.addPresence(ch, { connectionId: 'cb', userId: 'u2' }, 5_000);
      expect(await a.broker.presenceStats(ch)).toEqual({ connections: 2, users: 2 });
      expect((await b.broker.presence(ch)).map((c) => c.connectionId).sort()).toEqual(['ca', 'cb']);
    });

    it('runs a cluster command on every live node and not on closed ones', async () => {
      const [a, b, c] = [await node('a'), await node('b'), await node('c')];
      const started = Date.now();
      const answers = await b.broker.command({ type: 'fetch', targets: [] }, 3_000);
      expect(answers.map((answer) => (answer as { node: string }).node).sort()).toEqual([
        'a',
        'b',
        'c',
      ]);
      // With every live node answered, it does not wait for the timeout.
      expect(Date.now() - started).toBeLessThan(2_500);
      await c.broker.close();
      nodes.splice(nodes.indexOf(c), 1);
      const after = await a.broker.command(
        { type: 'disconnect', targets: [], code: 4011, reason: 'x' },
        1_000,
      );
      expect(after.map((answer) => (answer as { node: string }).node).sort()).toEqual(['a', 'b']);
    });
  });
}
