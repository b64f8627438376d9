import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createGateway } from '../src/index.js';
import { startGateway, type RunningGateway } from './support/gateway-fixture.js';
import { parseFrames, rawWebSocket, sendText } from './support/raw-socket.js';

let running: RunningGateway;
afterEach(() => running.gateway.close());

interface Reader {
  socket: Socket;
  /** Every read the socket made since the last `reset`, as it came. */
  reads: Buffer[];
  frames(): { type: string; event?: string; channel?: string; payload?: unknown; id?: number }[];
  reset(): void;
}

/** A raw WebSocket client that keeps each TCP read apart, subscribed to `channels`. */
async function reader(path: string, channels: string[]): Promise<Reader> {
  const { socket, head } = await rawWebSocket(running.port, path);
  const reads: Buffer[] = [head];
  socket.on('data', (chunk: Buffer) => reads.push(chunk));
  const frames = () =>
    parseFrames(Buffer.concat(reads)).frames.map((frame) => JSON.parse(frame.payload.toString()));
  await expect.poll(() => frames().length).toBe(1); // the session notice
  channels.forEach((channel, i) =>
    sendText(socket, JSON.stringify({ type: 'subscribe', channel, id: i + 1 })),
  );
  await expect.poll(() => frames().filter((f) => f.type === 'ack').length).toBe(channels.length);
  return { socket, reads, frames, reset: () => void (reads.length = 0) };
}

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Publishes `count` publications on `channel`, each from its own timer tick, `gap` ms apart. */
async function trickle(channel: string, count: number, gap = 5): Promise<void> {
  for (let seq = 0; seq < count; seq++) {
    await running.gateway.publish(channel, 'tick', seq);
    await tick(gap);
  }
}

describe('writeDelay', () => {
  it("gathers a namespace's publications from several timer ticks into one write, in order", async () => {
    running = await startGateway((gw) => {
      gw.namespace('/batched', { writeDelay: 200 });
      gw.namespace('/direct');
    });
    const batched = await reader('/batched', ['prices']);
    const direct = await reader('/direct', ['prices']);
    batched.reset();
    direct.reset();
    await trickle('prices', 5);
    await expect.poll(() => batched.frames().length).toBe(5);
    await expect.poll(() => direct.frames().length).toBe(5);
    expect(batched.frames().map((f) => f.payload)).toEqual([0, 1, 2, 3, 4]);
    expect(batched.reads).toHaveLength(1);
    // Without a delay each tick's publication is its own write, read apart on loopback.
    expect(direct.reads.length).toBeGreaterThan(1);
    batched.socket.destroy();
    direct.socket.destroy();
  });

  it('never holds an answer: a request writes the publications waiting before it, then its ack', async () => {
    running = await startGateway((gw) => gw.namespace('/slow', { writeDelay: 1000 }));
    const client = await reader('/slow', ['prices']);
    client.reset();
    await running.gateway.publish('prices', 'tick', 'first');
    await tick(20);
    expect(client.frames()).toHaveLength(0); // still waiting for company
    sendText(client.socket, JSON.stringify({ type: 'subscribe', channel: 'news', id: 7 }));
    await expect.poll(() => client.frames().length, { timeout: 500 }).toBe(2);
    expect(client.frames().map((f) => f.type)).toEqual(['event', 'ack']);
    expect(client.frames()[0]?.payload).toBe('first');
    client.socket.destroy();
  });

  it("applies a channel policy's delay to that channel only", async () => {
    running = await startGateway((gw) => {
      gw.channel('ticker:*', { writeDelay: 200 });
      gw.namespace('/feed');
    });
    const ticker = await reader('/feed', ['ticker:eur']);
    const plain = await reader('/feed', ['news']);
    ticker.reset();
    plain.reset();
    await trickle('ticker:eur', 4);
    await trickle('news', 4);
    await expect.poll(() => ticker.frames().length).toBe(4);
    await expect.poll(() => plain.frames().length).toBe(4);
    expect(ticker.reads).toHaveLength(1);
    expect(plain.reads.length).toBeGreaterThan(1);
    ticker.socket.destroy();
    plain.socket.destroy();
  });

  it("applies the gateway's default channel policy's delay to channels no pattern matches", async () => {
    running = await startGateway((gw) => gw.namespace('/feed'), {
      channels: { default: { writeDelay: 200 } },
    });
    const client = await reader('/feed', ['anything']);
    client.reset();
    await trickle('anything', 4);
    await expect.poll(() => client.frames().length).toBe(4);
    expect(client.reads).toHaveLength(1);
    client.socket.destroy();
  });

  it("lets a server event wait the namespace's delay too", async () => {
    running = await startGateway((gw) =>
      gw.namespace('/events', { writeDelay: 200 }).on('start', async (count, conn) => {
        for (let i = 0; i < Number(count); i++) {
          conn.send('step', i);
          await tick(5);
        }
      }),
    );
    const client = await reader('/events', []);
    client.reset();
    sendText(client.socket, JSON.stringify({ type: 'event', event: 'start', payload: 4 }));
    await expect.poll(() => client.frames().length).toBe(4);
    expect(client.frames().map((f) => f.payload)).toEqual([0, 1, 2, 3]);
    expect(client.reads).toHaveLength(1);
    client.socket.destroy();
  });

  it('writes what waits before the close frame', async () => {
    running = await startGateway((gw) => gw.namespace('/closing', { writeDelay: 1000 }));
    const client = await reader('/closing', ['prices']);
    client.reset();
    await running.gateway.publish('prices', 'tick', 'last words');
    await tick(20);
    const [connection] = running.gateway.namespaces[0]?.connections ?? [];
    connection?.close(4000, 'bye');
    await expect.poll(() => parseFrames(Buffer.concat(client.reads)).frames.length).toBe(2);
    const [publication, close] = parseFrames(Buffer.concat(client.reads)).frames;
    expect(JSON.parse(publication?.payload.toString() ?? '{}').payload).toBe('last words');
    expect(close?.opcode).toBe(0x8);
    client.socket.destroy();
  });

  it('refuses a delay out of range, naming the option', () => {
    const gateway = createGateway({ logLevel: 'silent' });
    expect(() => gateway.namespace('/x', { writeDelay: 5_000 })).toThrow(/writeDelay/);
    expect(() => gateway.namespace('/y', { writeDelay: -1 })).toThrow(/writeDelay/);
    expect(() => createGateway({ channels: { policies: { 'a:*': { writeDelay: 1.5 } } } })).toThrow(
      /channels\.policies\.a:\*\.writeDelay/,
    );
  });
});
