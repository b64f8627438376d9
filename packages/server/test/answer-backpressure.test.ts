import { afterEach, describe, expect, it } from 'vitest';
import type { BackpressureStrategy } from '../src/index.js';
import { startGateway, type RunningGateway } from './support/gateway-fixture.js';
import { rawWebSocket, sendText } from './support/raw-socket.js';

let running: RunningGateway;
afterEach(() => running.gateway.close());

const blob = 'x'.repeat(20_000);

/**
 * A client that asks to recover 8 MB (more than the kernel's socket buffers take) and then
 * stops reading, while the channel keeps publishing: the recovery waits for room, and the live
 * publications held back meanwhile must stay within the connection's queue limits.
 */
async function stalledRecovery(strategy: BackpressureStrategy) {
  running = await startGateway(
    (gw) => {
      gw.namespace('/r', {
        backpressure: { strategy, maxQueueBytes: 256 * 1024, maxQueueMessages: 10_000 },
      });
    },
    {
      channels: {
        policies: {
          'feed:*': { history: { size: 1_000 }, recoveryMaxBytes: 16 * 1024 * 1024 },
        },
      },
    },
  );
  const { gateway } = running;
  let epoch = '';
  for (let seq = 0; seq < 400; seq++)
    ({ epoch } = (await gateway.publish('feed:1', 'blob', { seq, blob }))!);
  const { socket } = await rawWebSocket(running.port, '/r');
  socket.pause(); // never reads: the kernel buffers fill, then the recovery waits
  sendText(
    socket,
    JSON.stringify({ type: 'subscribe', channel: 'feed:1', since: { offset: 0, epoch } }),
  );
  await expect.poll(() => gateway.stats().connections.active).toBe(1);
  for (let seq = 400; seq < 500; seq++) {
    await gateway.publish('feed:1', 'blob', { seq, blob });
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return socket;
}

describe('recovery against a client that stops reading', () => {
  it('buffer: live publications held past the queue limits close it with 4009', async () => {
    const socket = await stalledRecovery('buffer');
    await expect.poll(() => running.gateway.stats().slowConsumers).toBe(1);
    socket.destroy();
  });

  it('drop: live publications held past the queue limits are dropped and counted', async () => {
    const socket = await stalledRecovery('drop');
    await expect.poll(() => running.gateway.stats().dropped).toBeGreaterThan(0);
    expect(running.gateway.stats().slowConsumers).toBe(0);
    expect(running.gateway.stats().connections.active).toBe(1);
    socket.destroy();
  });
});

describe('requests from a client that does not read', () => {
  it('closes it with 4009 once the answers waiting for room pass the queue limits', async () => {
    running = await startGateway(
      (gw) => {
        gw.namespace('/r', { backpressure: { maxQueueBytes: 256 * 1024 } });
      },
      { channels: { policies: { 'feed:*': { history: { size: 1_000 }, clientHistory: true } } } },
    );
    const { gateway } = running;
    for (let seq = 0; seq < 100; seq++) await gateway.publish('feed:1', 'blob', { seq, blob });
    const { socket } = await rawWebSocket(running.port, '/r');
    socket.pause();
    sendText(socket, JSON.stringify({ type: 'subscribe', channel: 'feed:1' }));
    // Each answer is a page of about 128 KiB; 300 of them are far more than the socket buffers take.
    for (let id = 0; id < 300; id++) {
      sendText(socket, JSON.stringify({ type: 'history', channel: 'feed:1', id }));
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    await expect.poll(() => gateway.stats().slowConsumers).toBe(1);
    socket.destroy();
  });
});
