import { once } from 'node:events';
import { createServer, connect, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { FlushScheduler } from './flush-scheduler.js';
import { OutboundQueue, type OutboundLimits } from './outbound-queue.js';

/**
 * A socket whose peer reads only when told to: while `holding`, writes stay in the socket's
 * write buffer (its `writableLength`), and past its high-water mark it asks for 'drain'.
 */
class PeerSocket extends Duplex {
  /** What reached the peer: one entry per write the stream made, a corked batch being one. */
  readonly writes: Buffer[][] = [];
  holding = false;
  private readonly unread: (() => void)[] = [];

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.receive([chunk], done);
  }

  override _writev(chunks: { chunk: Buffer }[], done: () => void): void {
    const buffers = chunks.map(({ chunk }) => chunk);
    this.receive(buffers, done);
  }

  /** The peer reads everything written so far, and keeps up from now on. */
  readAll(): void {
    this.holding = false;
    for (const done of this.unread.splice(0)) done();
  }

  /** The writes as labels: a frame `Buffer.alloc(60, 'a')` reads `a60`. */
  get batches(): string[][] {
    const label = (chunk: Buffer) => `${String.fromCharCode(chunk[0] ?? 0)}${chunk.length}`;
    return this.writes.map((chunks) => chunks.map(label));
  }

  private receive(chunks: Buffer[], done: () => void): void {
    this.writes.push(chunks);
    if (this.holding) this.unread.push(done);
    else done();
  }
}

const frame = (name: string, size: number) => Buffer.alloc(size, name);

const smallLimits: OutboundLimits = { strategy: 'buffer', maxQueueBytes: 100, maxQueueMessages: 4 };
type Options = Partial<OutboundLimits> & { highWaterMark?: number };

/** A queue on `socket` (small limits unless told otherwise), its events counted. */
function queueOn<S extends Duplex>(socket: S, limits: Partial<OutboundLimits> = {}) {
  const scheduler = new FlushScheduler();
  const events = { slowConsumers: 0, dropped: 0, written: [] as number[] };
  const queue = new OutboundQueue(socket, { ...smallLimits, ...limits }, scheduler, {
    onSlowConsumer: () => void events.slowConsumers++,
    onDropped: () => void events.dropped++,
    onWritten: (frames) => void events.written.push(frames),
  });
  return { queue, socket, scheduler, events };
}

/** A queue on a PeerSocket whose write buffer holds `highWaterMark` bytes before 'drain'. */
function setup({ highWaterMark = 1024, ...limits }: Options = {}) {
  return queueOn(new PeerSocket({ writableHighWaterMark: highWaterMark }), limits);
}

/** A queue whose socket is backed up: 60 bytes unread, past its 50-byte high-water mark. */
async function backedUp(limits: Options = {}) {
  const queued = setup({ highWaterMark: 50, ...limits });
  queued.socket.holding = true;
  queued.queue.push(frame('z', 60), false);
  await nextTurn();
  expect(queued.socket.writableNeedDrain).toBe(true);
  return queued;
}

describe('OutboundQueue', () => {
  describe('writes', () => {
    it("leave once per turn, a turn's frames in one corked write, in order", async () => {
      const { queue, socket, events } = setup();
      expect(queue.push(frame('a', 10), false)).toBe(true);
      expect(queue.push(frame('b', 20), true)).toBe(true);
      expect(queue.push(frame('c', 30), false)).toBe(true);
      expect(socket.writes).toEqual([]);
      expect([queue.pendingFrames, queue.pendingBytes]).toEqual([3, 60]);
      await nextTurn();
      expect(socket.batches).toEqual([['a10', 'b20', 'c30']]);
      expect([queue.pendingFrames, queue.pendingBytes]).toEqual([0, 0]);
      queue.push(frame('d', 1), false);
      await nextTurn();
      await nextTurn();
      expect(socket.batches).toEqual([['a10', 'b20', 'c30'], ['d1']]);
      expect(events.written).toEqual([3, 1]);
    });

    it('never reach a destroyed socket', async () => {
      const { queue, socket, events } = setup();
      queue.push(frame('a', 10), false);
      socket.destroy();
      await nextTurn();
      expect(socket.writes).toEqual([]);
      expect(events.written).toEqual([]);
      expect(queue.pendingFrames).toBe(0);
    });
  });

  describe('limits, under buffer', () => {
    it('hold up to maxQueueBytes; one byte more closes the queue as a slow consumer', async () => {
      const { queue, socket, events } = setup();
      expect(queue.push(frame('a', 60), false)).toBe(true);
      expect(queue.push(frame('b', 40), true)).toBe(true);
      expect(events.slowConsumers).toBe(0);
      expect(queue.push(frame('c', 1), true)).toBe(false);
      expect(events).toEqual({ slowConsumers: 1, dropped: 0, written: [] });
      // Closed: what was held is discarded, and nothing more is taken.
      expect(queue.push(frame('d', 1), false)).toBe(false);
      await nextTurn();
      expect(socket.writes).toEqual([]);
      expect(events.slowConsumers).toBe(1);
      // A frame larger than the limit is refused even by an empty queue.
      const large = setup();
      expect(large.queue.push(frame('a', 101), false)).toBe(false);
      expect(large.events.slowConsumers).toBe(1);
    });

    it('hold up to maxQueueMessages frames; one more closes the queue', () => {
      const { queue, events } = setup();
      for (let i = 0; i < 4; i++) expect(queue.push(frame('a', 1), false)).toBe(true);
      expect(events.slowConsumers).toBe(0);
      expect(queue.push(frame('a', 1), false)).toBe(false);
      expect(events.slowConsumers).toBe(1);
    });

    it("count the socket's unread bytes", async () => {
      const { queue, socket, events } = setup();
      socket.holding = true;
      queue.push(frame('a', 70), false);
      await nextTurn();
      expect(queue.push(frame('b', 30), false)).toBe(true);
      expect([queue.pendingFrames, queue.pendingBytes]).toEqual([1, 100]);
      expect(queue.push(frame('c', 1), false)).toBe(false);
      expect(events.slowConsumers).toBe(1);
    });

    it("hold frames while the socket waits for 'drain', then write them at once", async () => {
      const { queue, socket, scheduler, events } = await backedUp();
      const markDirty = vi.spyOn(scheduler, 'markDirty');
      expect(queue.push(frame('a', 10), false)).toBe(true);
      expect(queue.push(frame('b', 20), true)).toBe(true);
      await nextTurn();
      expect(markDirty).not.toHaveBeenCalled();
      queue.flush(); // even a flush asked for directly waits
      expect(socket.batches).toEqual([['z60']]);
      expect([queue.pendingFrames, queue.pendingBytes]).toEqual([2, 90]);
      socket.readAll();
      expect(socket.batches).toEqual([['z60'], ['a10', 'b20']]);
      expect(events.written).toEqual([1, 2]);
      expect(socket.listenerCount('drain')).toBe(0);
    });
  });

  describe('the drop strategy', () => {
    it('drops droppable frames past the limits, counts them, and stays open', async () => {
      const { queue, socket, events } = setup({ strategy: 'drop' });
      queue.push(frame('a', 60), true);
      queue.push(frame('b', 40), true);
      expect(queue.push(frame('c', 1), true)).toBe(false);
      expect(queue.push(frame('d', 1), true)).toBe(false);
      expect(events).toEqual({ slowConsumers: 0, dropped: 2, written: [] });
      await nextTurn();
      expect(socket.batches).toEqual([['a60', 'b40']]);
      expect(queue.push(frame('e', 1), true)).toBe(true);

      const messages = setup({ strategy: 'drop' });
      for (let i = 0; i < 4; i++) expect(messages.queue.push(frame('a', 1), true)).toBe(true);
      expect(messages.queue.push(frame('a', 1), true)).toBe(false);
      expect(messages.events.dropped).toBe(1);
    });

    it('gives other frames twice the limits, then closes as a slow consumer', () => {
      const bytes = setup({ strategy: 'drop' });
      bytes.queue.push(frame('a', 100), true);
      expect(bytes.queue.push(frame('b', 100), false)).toBe(true);
      expect(bytes.queue.push(frame('c', 1), false)).toBe(false);
      expect(bytes.events).toEqual({ slowConsumers: 1, dropped: 0, written: [] });

      const messages = setup({ strategy: 'drop' });
      for (let i = 0; i < 4; i++) messages.queue.push(frame('a', 1), true);
      for (let i = 0; i < 4; i++) expect(messages.queue.push(frame('b', 1), false)).toBe(true);
      expect(messages.queue.push(frame('c', 1), false)).toBe(false);
      expect(messages.events.slowConsumers).toBe(1);
    });

    it('keeps the extra room from droppable frames', () => {
      const { queue, events } = setup({ strategy: 'drop' });
      queue.push(frame('a', 90), false);
      queue.push(frame('b', 50), false);
      expect(queue.push(frame('c', 1), true)).toBe(false);
      expect(events.dropped).toBe(1);
      expect(queue.push(frame('d', 60), false)).toBe(true);
    });
  });

  describe('the disconnect strategy', () => {
    it('holds frames up to the limits while the socket keeps up', () => {
      const { queue, events } = setup({ strategy: 'disconnect' });
      expect(queue.push(frame('a', 100), false)).toBe(true);
      expect(events.slowConsumers).toBe(0);
      expect(queue.push(frame('b', 1), true)).toBe(false);
      expect(events).toEqual({ slowConsumers: 1, dropped: 0, written: [] });
    });

    it('closes at the first frame while the socket is backed up, not after it drained', async () => {
      const backed = await backedUp({ strategy: 'disconnect' });
      expect(backed.queue.push(frame('a', 1), true)).toBe(false);
      expect(backed.events).toEqual({ slowConsumers: 1, dropped: 0, written: [1] });

      const drained = await backedUp({ strategy: 'disconnect' });
      drained.socket.readAll();
      expect(drained.queue.push(frame('a', 1), false)).toBe(true);
      await nextTurn();
      expect(drained.socket.batches).toEqual([['z60'], ['a1']]);
      expect(drained.events.slowConsumers).toBe(0);
    });
  });

  describe('refuse', () => {
    for (const [strategy, droppable, dropped] of [
      ['drop', true, true],
      ['drop', false, false],
      ['buffer', true, false],
      ['disconnect', true, false],
    ] as const) {
      it(`under ${strategy}, droppable: ${droppable}: ${dropped ? 'drops' : 'closes'}`, () => {
        const { queue, events } = setup({ strategy });
        expect(queue.refuse(droppable)).toBe(false);
        expect(events.slowConsumers).toBe(dropped ? 0 : 1);
        expect(events.dropped).toBe(dropped ? 1 : 0);
        expect(queue.push(frame('a', 1), false)).toBe(dropped);
      });
    }

    it('reports nothing once closed', () => {
      const { queue, events } = setup({ strategy: 'drop' });
      queue.close();
      expect([queue.refuse(true), queue.refuse(false)]).toEqual([false, false]);
      expect(events).toEqual({ slowConsumers: 0, dropped: 0, written: [] });
    });
  });

  describe('flushNow', () => {
    it('writes what is queued at once, in one write, and nothing when nothing is', async () => {
      const { queue, socket, events } = setup();
      queue.flushNow();
      queue.push(frame('a', 1), false);
      queue.push(frame('b', 2), false);
      queue.flushNow();
      expect(socket.batches).toEqual([['a1', 'b2']]);
      await nextTurn();
      expect(socket.writes).toHaveLength(1);
      expect(events.written).toEqual([2]);
    });

    it("does not wait for 'drain'", async () => {
      const { queue, socket } = await backedUp();
      queue.push(frame('a', 10), false);
      queue.flushNow();
      expect(queue.pendingFrames).toBe(0);
      expect(socket.writableLength).toBe(70);
      socket.readAll();
      expect(socket.batches).toEqual([['z60'], ['a10']]);
    });
  });

  describe('close', () => {
    it('discards what is queued and takes nothing more, without reporting a slow consumer', async () => {
      const { queue, socket, events } = setup();
      queue.push(frame('a', 10), false);
      queue.close();
      expect([queue.pendingFrames, queue.pendingBytes]).toEqual([0, 0]);
      expect(queue.push(frame('b', 1), false)).toBe(false);
      await nextTurn();
      queue.flush();
      queue.flushNow();
      expect(socket.writes).toEqual([]);
      expect(events).toEqual({ slowConsumers: 0, dropped: 0, written: [] });
    });

    it("stops waiting for 'drain'", async () => {
      const { queue, socket, events } = await backedUp();
      queue.push(frame('a', 10), false);
      expect(socket.listenerCount('drain')).toBe(1);
      queue.close();
      expect(socket.listenerCount('drain')).toBe(0);
      socket.readAll();
      expect(socket.batches).toEqual([['z60']]);
      expect(events.written).toEqual([1]);
    });
  });

  describe('pushWhenRoom', () => {
    it('queues at once when there is room, a frame larger than the limits too', async () => {
      const { queue, socket, events } = setup();
      await expect(queue.pushWhenRoom(frame('a', 250))).resolves.toBe(true);
      expect(queue.pendingFrames).toBe(1);
      await nextTurn();
      expect(socket.batches).toEqual([['a250']]);
      expect(events.slowConsumers).toBe(0);
    });

    it('waits for half the limits, leaving the other half to everything else', async () => {
      const { queue, socket } = setup();
      queue.push(frame('a', 40), false);
      const settled = vi.fn();
      void queue.pushWhenRoom(frame('b', 20)).then(settled);
      await Promise.resolve();
      expect(settled).not.toHaveBeenCalled();
      expect(queue.push(frame('c', 60), false)).toBe(true);
      await nextTurn();
      expect(settled).toHaveBeenCalledWith(true);
      await nextTurn();
      expect(socket.batches).toEqual([['a40', 'c60'], ['b20']]);

      const messages = setup();
      messages.queue.push(frame('a', 1), false);
      await expect(messages.queue.pushWhenRoom(frame('b', 1))).resolves.toBe(true);
      const third = vi.fn();
      void messages.queue.pushWhenRoom(frame('c', 1)).then(third);
      await Promise.resolve();
      expect(third).not.toHaveBeenCalled();
      await nextTurn();
      expect(third).toHaveBeenCalledWith(true);
    });

    it('keeps the order given: a small frame does not pass a large one', async () => {
      const { queue, socket } = setup();
      const settled: string[] = [];
      queue.push(frame('a', 10), false);
      void queue.pushWhenRoom(frame('b', 45)).then(() => settled.push('b'));
      void queue.pushWhenRoom(frame('c', 5)).then(() => settled.push('c'));
      for (let turn = 0; turn < 3; turn++) await nextTurn();
      expect(settled).toEqual(['b', 'c']);
      expect(socket.batches.flat()).toEqual(['a10', 'b45', 'c5']);
    });

    it("waits while the socket is backed up past half the limits, until 'drain'", async () => {
      const { queue, socket } = await backedUp();
      const settled = vi.fn();
      void queue.pushWhenRoom(frame('a', 1)).then(settled);
      await nextTurn();
      expect(settled).not.toHaveBeenCalled();
      socket.readAll();
      await Promise.resolve();
      expect(settled).toHaveBeenCalledWith(true);
      await nextTurn();
      expect(socket.batches).toEqual([['z60'], ['a1']]);
    });

    it('queues behind a backed-up socket when half the limits leave room', async () => {
      const { queue, socket } = await backedUp({ maxQueueBytes: 1000 });
      await expect(queue.pushWhenRoom(frame('a', 40))).resolves.toBe(true);
      await nextTurn();
      expect(socket.batches).toEqual([['z60']]);
      socket.readAll();
      expect(socket.batches).toEqual([['z60'], ['a40']]);
    });

    it("waits for 'drain' under disconnect, whatever the room, rather than closing", async () => {
      const { queue, socket, events } = await backedUp({
        strategy: 'disconnect',
        maxQueueBytes: 1000,
      });
      const settled = vi.fn();
      void queue.pushWhenRoom(frame('a', 1)).then(settled);
      await nextTurn();
      expect(settled).not.toHaveBeenCalled();
      expect(events.slowConsumers).toBe(0);
      socket.readAll();
      await Promise.resolve();
      expect(settled).toHaveBeenCalledWith(true);
    });

    it('closes as a slow consumer once what waits passes the limits', async () => {
      const bytes = setup();
      bytes.queue.push(frame('a', 60), false);
      const waiting = [40, 60].map((size) => bytes.queue.pushWhenRoom(frame('b', size)));
      expect(bytes.events.slowConsumers).toBe(0);
      await expect(bytes.queue.pushWhenRoom(frame('c', 1))).resolves.toBe(false);
      expect(bytes.events.slowConsumers).toBe(1);
      await expect(Promise.all(waiting)).resolves.toEqual([false, false]);
      expect(bytes.queue.push(frame('d', 1), false)).toBe(false);

      const messages = setup();
      messages.queue.push(frame('a', 60), false);
      for (let i = 0; i < 4; i++) void messages.queue.pushWhenRoom(frame('b', 1));
      expect(messages.events.slowConsumers).toBe(0);
      await expect(messages.queue.pushWhenRoom(frame('c', 1))).resolves.toBe(false);
      expect(messages.events.slowConsumers).toBe(1);

      // The first frame to wait may be larger than the limits, but nothing may wait behind it.
      const large = setup();
      large.queue.push(frame('a', 1), false);
      const first = large.queue.pushWhenRoom(frame('b', 150));
      expect(large.events.slowConsumers).toBe(0);
      await expect(large.queue.pushWhenRoom(frame('c', 1))).resolves.toBe(false);
      expect(large.events.slowConsumers).toBe(1);
      await expect(first).resolves.toBe(false);
    });

    it('counts only what still waits against the limits', async () => {
      const { queue, events } = setup();
      for (let round = 0; round < 3; round++) {
        queue.push(frame('a', 60), false);
        const waiting = [40, 50].map((size) => queue.pushWhenRoom(frame('b', size)));
        for (let turn = 0; turn < 3; turn++) await nextTurn();
        await expect(Promise.all(waiting)).resolves.toEqual([true, true]);
      }
      expect(events.slowConsumers).toBe(0);
    });

    it('resolves false when the queue closes first, or is closed', async () => {
      const { queue, events } = setup();
      queue.push(frame('a', 60), false);
      const waiting = queue.pushWhenRoom(frame('b', 1));
      queue.close();
      await expect(waiting).resolves.toBe(false);
      await expect(queue.pushWhenRoom(frame('c', 1))).resolves.toBe(false);
      expect(events.slowConsumers).toBe(0);
    });
  });

  it('delivers every frame in order through a real TCP connection that backs up', async () => {
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const accepted = once(server, 'connection') as Promise<[Socket]>;
    const sender = connect((server.address() as { port: number }).port, '127.0.0.1');
    const [receiver] = await accepted;
    receiver.pause();
    const { queue, events } = queueOn(sender, { maxQueueBytes: 64 << 20, maxQueueMessages: 1000 });
    // 16 MiB in 20 turns: more than loopback buffers hold while the receiver does not read.
    const sent: Buffer[] = [];
    for (let turn = 0; turn < 20; turn++) {
      for (let i = 0; i < 50; i++) {
        const next = Buffer.alloc(1 + ((turn * 50 + i) % 9) * 4096, turn * 50 + i);
        sent.push(next);
        expect(queue.push(next, false)).toBe(true);
      }
      await nextTurn();
    }
    expect(queue.pendingBytes).toBeGreaterThan(0);
    const received: Buffer[] = [];
    let receivedBytes = 0;
    receiver.on('data', (chunk: Buffer) => {
      received.push(chunk);
      receivedBytes += chunk.length;
    });
    receiver.resume();
    const total = Buffer.concat(sent);
    while (receivedBytes < total.length) await once(receiver, 'data');
    expect(Buffer.concat(received).equals(total)).toBe(true);
    expect(events.written.reduce((sum, frames) => sum + frames, 0)).toBe(1000);
    expect([events.slowConsumers, events.dropped, queue.pendingBytes]).toEqual([0, 0, 0]);
    sender.destroy();
    receiver.destroy();
    server.close();
  });
});
