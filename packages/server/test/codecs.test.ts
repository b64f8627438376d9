import { decode, encode } from '@msgpack/msgpack';
import { WebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from './support/gateway-fixture.js';

let running: RunningGateway;
afterEach(() => running.gateway.close());

describe('codec negotiation', () => {
  it('speaks MessagePack in binary frames when the client asks for herald.v1.msgpack', async () => {
    running = await startGateway((gw) => {
      gw.namespace('/bin').on('echo', (payload) => payload);
    });
    const ws = new WebSocket(running.url('/bin'), ['herald.v1.msgpack']);
    await new Promise((resolve) => ws.once('open', resolve));
    expect(ws.protocol).toBe('herald.v1.msgpack');
    const frames: { binary: boolean; frame: unknown }[] = [];
    ws.on('message', (data: Buffer, isBinary) =>
      frames.push({ binary: isBinary, frame: decode(new Uint8Array(data)) }),
    );
    ws.send(
      encode({ type: 'event', event: 'echo', payload: { bytes: new Uint8Array([1, 2]) }, id: 1 }),
    );
    ws.send('{"type":"ping"}'); // text on a MessagePack connection
    await expect.poll(() => frames.length).toBe(2);
    const byType = (type: string) =>
      frames.find((f) => (f.frame as { type: string }).type === type);
    expect(byType('ack')).toEqual({
      binary: true,
      frame: { type: 'ack', id: 1, payload: { bytes: new Uint8Array([1, 2]) } },
    });
    expect(byType('error')).toMatchObject({ binary: true, frame: { code: 'WS_MESSAGE_INVALID' } });
    ws.close();
  });

  it('defaults to JSON when no Herald subprotocol is offered', async () => {
    running = await startGateway((gw) => {
      gw.namespace('/text');
    });
    const ws = new WebSocket(running.url('/text'));
    await new Promise((resolve) => ws.once('open', resolve));
    expect(ws.protocol).toBe('');
    ws.send('{"type":"ping"}');
    const [data, isBinary] = await new Promise<[Buffer, boolean]>((resolve) =>
      ws.once('message', (d: Buffer, b) => resolve([d, b])),
    );
    expect(isBinary).toBe(false);
    expect(JSON.parse(data.toString())).toEqual({ type: 'pong' });
    ws.close();
  });
});
