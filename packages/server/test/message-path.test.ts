import { afterEach, describe, expect, it } from 'vitest';
import type { BackpressureStrategy } from '../src/index.js';
import { startGateway, type RunningGateway } from './support/gateway-fixture.js';
import { parseFrames, rawWebSocket, sendText } from './support/raw-socket.js';
import { TestClient } from './support/test-client.js';

let running: RunningGateway;
afterEach(() => running.gateway.close());

describe('write coalescing', () => {
  it('sends the frames queued for a socket in one event-loop turn in one write', async () => {
    running = await startGateway((gw) => {
      gw.namespace('/burst').on('burst', (count, conn) => {
        for (let i = 0; i < Number(count); i++) conn.send('tick', i);
      });
    });
    const { socket, head } = await rawWebSocket(running.port, '/burst');
    const reads: Buffer[] = [head];
    socket.on('data', (chunk: Buffer) => reads.push(chunk));
    // The session notice comes first, on its own; the burst is counted from after it.
    await expect.poll(() => parseFrames(Buffer.concat(reads)).frames.length).toBe(1);
    reads.length = 0;
    sendText(socket, JSON.stringify({ type: 'event', event: 'burst', payload: 25 }));
    await expect.poll(() => parseFrames(Buffer.concat(reads)).frames.length).toBe(25);
    // Had each frame been its own write, loopback would deliver (nearly) one read per frame.
    expect(reads.length).toBe(1);
    const ticks = parseFrames(Buffer.concat(reads)).frames.map(
      (f) => JSON.parse(f.payload.toString()).payload,
    );
    expect(ticks).toEqual([...Array(25).keys()]);
    socket.destroy();
  });
});

describe('backpressure', () => {
  async function slowReader(strategy: BackpressureStrategy) {
    running = await startGateway((gw) => {
      gw.namespace('/slow', {
        backpressure: { strategy, maxQueueBytes: 256 * 1024, maxQueueMessages: 10_000 },
      });
    });
    const { socket } = await rawWebSocket(running.port, '/slow');
    sendText(socket, JSON.stringify({ type: 'subscribe', channel: 'firehose' }));
    await expect.poll(() => running.gateway.stats().connections.active).toBe(1);
    await new Promise((r) => setTimeout(r, 50));
    socket.pause(); // stops reading: the kernel buffers fill, then the gateway's queue
    const healthy = await TestClient.connect(running.url('/slow'));
    await healthy.request({ type: 'subscribe', channel: 'firehose' });
    const chunk = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 400; i++) {
      await running.gateway.publish('firehose', 'data', { i, chunk });
      // Paced so that a client that reads keeps up; only the paused one falls behind.
      await new Promise((r) => setTimeout(r, 0));
    }
    return { socket, healthy };
  }

  it('buffer: closes a reader that falls past the queue limit with 4009, others unaffected', async () => {
    const { socket, healthy } = await slowReader('buffer');
    await expect.poll(() => running.gateway.stats().slowConsumers).toBe(1);
    await healthy.waitForCount((f) => f.event === 'data', 400);
    expect(running.gateway.stats().connections.active).toBeLessThanOrEqual(2);
    socket.destroy();
  });

  it('drop: keeps the connection and counts dropped publications', async () => {
    const { socket, healthy } = await slowReader('drop');
    await healthy.waitForCount((f) => f.event === 'data', 400);
    const stats = running.gateway.stats();
    expect(stats.dropped).toBeGreaterThan(0);
    expect(stats.slowConsumers).toBe(0);
    expect(stats.connections.active).toBe(2);
    socket.destroy();
  });

  it('disconnect: closes as soon as the socket backs up', async () => {
    const { socket, healthy } = await slowReader('disconnect');
    await expect.poll(() => running.gateway.stats().slowConsumers).toBe(1);
    expect(running.gateway.stats().dropped).toBe(0);
    await healthy.waitForCount((f) => f.event === 'data', 400);
    socket.destroy();
  });
});
