import { constants, inflateRawSync } from 'node:zlib';
import { WebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from './support/gateway-fixture.js';
import { parseFrames, rawWebSocket, sendText } from './support/raw-socket.js';
import { TestClient } from './support/test-client.js';

let running: RunningGateway;
afterEach(() => running.gateway.close());

const offerDeflate = 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n';
const story = { text: 'the quick brown fox jumps over the lazy dog '.repeat(200) };

async function compressingGateway(): Promise<void> {
  running = await startGateway((gw) => {
    gw.namespace('/zip', { compression: { enabled: true, threshold: 256 } }).on('echo', (p) => p);
    gw.namespace('/plain').on('echo', (p) => p);
  });
}

describe('permessage-deflate', () => {
  it('sends large frames compressed (RSV1) once negotiated, and small ones as they are', async () => {
    await compressingGateway();
    const { socket, response } = await rawWebSocket(running.port, '/zip', offerDeflate);
    expect(response).toMatch(
      /Sec-WebSocket-Extensions: permessage-deflate;.*server_no_context_takeover/i,
    );
    const reads: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => reads.push(chunk));
    sendText(socket, JSON.stringify({ type: 'subscribe', channel: 'news', id: 1 }));
    await expect.poll(() => parseFrames(Buffer.concat(reads)).frames.length).toBe(1);
    await running.gateway.publish('news', 'story', story);
    await expect.poll(() => parseFrames(Buffer.concat(reads)).frames.length).toBe(2);
    const [ack, publication] = parseFrames(Buffer.concat(reads)).frames;
    expect(ack?.compressed).toBe(false);
    expect(JSON.parse(ack?.payload.toString() ?? '')).toEqual({ type: 'ack', id: 1, payload: {} });
    expect(publication?.compressed).toBe(true);
    const inflated = inflateRawSync(publication!.payload, { finishFlush: constants.Z_SYNC_FLUSH });
    expect(JSON.parse(inflated.toString())).toMatchObject({
      channel: 'news',
      event: 'story',
      payload: story,
    });
    expect(publication!.payload.length * 10).toBeLessThan(inflated.length);
    socket.destroy();
  });

  it('works end to end with a ws client in both directions', async () => {
    await compressingGateway();
    const client = await TestClient.connect(running.url('/zip'));
    expect(client.ws.extensions).toContain('permessage-deflate');
    // The client compresses this request, the gateway inflates it, and compresses the answer.
    expect(
      (await client.request({ type: 'event', event: 'echo', payload: story })).payload,
    ).toEqual(story);
  });

  it('is off unless the namespace enables it', async () => {
    await compressingGateway();
    const ws = new WebSocket(running.url('/plain'));
    await new Promise((resolve) => ws.once('open', resolve));
    expect(ws.extensions).toBe('');
    ws.close();
  });

  it('compresses a publication once for every subscriber', async () => {
    await compressingGateway();
    const sockets = await Promise.all(
      [1, 2, 3].map(() => rawWebSocket(running.port, '/zip', offerDeflate).then((r) => r.socket)),
    );
    const reads = sockets.map(() => [] as Buffer[]);
    sockets.forEach((socket, i) => socket.on('data', (chunk: Buffer) => reads[i]!.push(chunk)));
    for (const socket of sockets)
      sendText(socket, JSON.stringify({ type: 'subscribe', channel: 'news' }));
    await expect
      .poll(() => running.gateway.channels())
      .toEqual([{ channel: 'news', subscribers: 3 }]);
    await running.gateway.publish('news', 'story', story);
    const payloads = await Promise.all(
      reads.map(async (chunks) => {
        await expect.poll(() => parseFrames(Buffer.concat(chunks)).frames.length).toBe(1);
        return parseFrames(Buffer.concat(chunks)).frames[0]!.payload;
      }),
    );
    // Identical compressed bytes: one deflate shared by all (a per-socket stream would differ by context).
    expect(payloads[1]!.equals(payloads[0]!)).toBe(true);
    expect(payloads[2]!.equals(payloads[0]!)).toBe(true);
    for (const socket of sockets) socket.destroy();
  });

  it('refuses a compression option that is not valid, naming it', async () => {
    await expect(
      startGateway((gw) => {
        gw.namespace('/x', { compression: { enabled: true, threshold: -1 } });
      }),
    ).rejects.toThrow(/namespace \/x\.compression\.threshold/);
    await compressingGateway();
  });
});
