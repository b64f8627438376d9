import { Writable } from 'node:stream';
import { pino } from 'pino';
import { WebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonCodec, type Codec } from '@herald/protocol';
import { startGateway, type RunningGateway } from './support/gateway-fixture.js';
import { TestClient } from './support/test-client.js';

let running: RunningGateway;
afterEach(() => running.gateway.close());

describe('gateway options', () => {
  it('logs through the given pino logger, with the failure the client never sees', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    running = await startGateway(
      (gw) => {
        gw.namespace('/log').on('crash', () => {
          throw new Error('disk full on shard 7');
        });
      },
      { logger: pino({ level: 'error' }, sink) },
    );
    const client = await TestClient.connect(running.url('/log'));
    const error = await client.request({ type: 'event', event: 'crash' });
    expect(error).toMatchObject({ code: 'WS_INTERNAL', message: 'internal error' });
    await expect.poll(() => lines.join('')).toContain('disk full on shard 7');
    expect(lines.join('')).toContain('event handler failed');
  });

  it('applies namespaceDefaults to every namespace that does not set its own', async () => {
    running = await startGateway(
      (gw) => {
        gw.namespace('/small').on('echo', (p) => p);
        gw.namespace('/large', { maxMessageSize: 4096 }).on('echo', (p) => p);
      },
      { namespaceDefaults: { maxMessageSize: 512 } },
    );
    const big = { type: 'event', event: 'echo', payload: 'x'.repeat(1_000) };
    const small = await TestClient.connect(running.url('/small'));
    small.send(big);
    expect((await small.closed).code).toBe(1009);
    const large = await TestClient.connect(running.url('/large'));
    expect((await large.request(big)).type).toBe('ack');
  });

  it('offers an extra codec by its subprotocol', async () => {
    // JSON under another name: enough to show that negotiation picks the extra codec.
    const tagged: Codec = { ...jsonCodec, subprotocol: 'acme.v1.json' };
    running = await startGateway(
      (gw) => {
        gw.namespace('/codec').on('echo', (p) => p);
      },
      { codecs: [tagged] },
    );
    const ws = new WebSocket(running.url('/codec'), ['acme.v1.json']);
    await new Promise((resolve) => ws.once('open', resolve));
    expect(ws.protocol).toBe('acme.v1.json');
    ws.send(JSON.stringify({ type: 'event', event: 'echo', payload: 1, id: 1 }));
    const answer = await new Promise<Buffer>((resolve) => ws.once('message', resolve));
    expect(JSON.parse(answer.toString())).toEqual({ type: 'ack', id: 1, payload: 1 });
    ws.close();
  });
});
