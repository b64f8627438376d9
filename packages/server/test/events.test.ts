import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ErrorCodes, HeraldError } from '../src/index.js';
import { startGateway, type RunningGateway } from './support/gateway-fixture.js';
import { TestClient } from './support/test-client.js';

let running: RunningGateway;
afterEach(() => running.gateway.close());

async function echoGateway(): Promise<RunningGateway> {
  return startGateway((gw) => {
    const ns = gw.namespace('/app');
    ns.on('echo', (payload) => payload);
    ns.on('nothing', () => undefined);
    ns.on('forbidden', () => {
      throw new HeraldError(ErrorCodes.WS_FORBIDDEN, 'not for you');
    });
    ns.on('crash', () => {
      throw new Error('database password is hunter2');
    });
    ns.on(
      'message.send',
      {
        schema: z.object({
          room: z.string(),
          text: z.string().min(1).max(10),
          tags: z.array(z.string()).optional(),
        }),
      },
      (payload) => ({ length: payload.text.length }),
    );
    // An async refinement makes the schema validate asynchronously.
    ns.on(
      'name.claim',
      {
        schema: z.object({ name: z.string() }).refine(async ({ name }) => name !== 'taken', {
          message: 'already taken',
          path: ['name'],
        }),
      },
      (payload) => ({ claimed: payload.name }),
    );
  });
}

describe('events, acks and errors', () => {
  it("acks with the handler's return value under the client's id", async () => {
    running = await echoGateway();
    const client = await TestClient.connect(running.url('/app'));
    client.send({ type: 'event', event: 'echo', payload: { a: 1 }, id: 'x-1' });
    client.send({ type: 'event', event: 'echo', payload: 'two', id: 2 });
    expect(await client.waitFor((f) => f.id === 'x-1')).toEqual({
      type: 'ack',
      id: 'x-1',
      payload: { a: 1 },
    });
    expect(await client.waitFor((f) => f.id === 2)).toEqual({ type: 'ack', id: 2, payload: 'two' });
    expect(await client.request({ type: 'event', event: 'nothing' })).toEqual({
      type: 'ack',
      id: '1',
    });
  });

  it('sends nothing back for an event without id', async () => {
    running = await echoGateway();
    const client = await TestClient.connect(running.url('/app'));
    client.send({ type: 'event', event: 'echo', payload: 1 });
    await client.request({ type: 'event', event: 'echo', payload: 'marker' });
    // The session notice, then the marker's ack: nothing for the event without id.
    expect(client.frames.map((f) => f.type)).toEqual(['system', 'ack']);
  });

  it('turns a HeraldError into an error frame with its code', async () => {
    running = await echoGateway();
    const client = await TestClient.connect(running.url('/app'));
    expect(await client.request({ type: 'event', event: 'forbidden' })).toEqual({
      type: 'error',
      id: '1',
      code: 'WS_FORBIDDEN',
      message: 'not for you',
    });
  });

  it('answers an unexpected exception with WS_INTERNAL, leaks nothing, and lives on', async () => {
    running = await echoGateway();
    const client = await TestClient.connect(running.url('/app'));
    const error = await client.request({ type: 'event', event: 'crash' });
    expect(error).toEqual({
      type: 'error',
      id: '1',
      code: 'WS_INTERNAL',
      message: 'internal error',
    });
    expect(JSON.stringify(error)).not.toContain('hunter2');
    expect(
      (await client.request({ type: 'event', event: 'echo', payload: 'still here' })).payload,
    ).toBe('still here');
  });

  it('answers an unknown event with WS_NOT_FOUND', async () => {
    running = await echoGateway();
    const client = await TestClient.connect(running.url('/app'));
    const error = await client.request({ type: 'event', event: 'nope' });
    expect(error.code).toBe('WS_NOT_FOUND');
    expect(error.message).toContain("'nope'");
  });

  it('names every bad field of a payload that fails its schema', async () => {
    running = await echoGateway();
    const client = await TestClient.connect(running.url('/app'));
    const error = await client.request({
      type: 'event',
      event: 'message.send',
      payload: { room: 5, text: 'far too long a text', tags: ['ok', 7] },
    });
    expect(error.code).toBe('WS_MESSAGE_INVALID');
    expect(error.details?.map((d) => d.path).sort()).toEqual([
      'payload.room',
      'payload.tags.1',
      'payload.text',
    ]);
    const ok = await client.request({
      type: 'event',
      event: 'message.send',
      payload: { room: 'r', text: 'hi' },
    });
    expect(ok.payload).toEqual({ length: 2 });
  });

  it('validates with a schema that answers asynchronously', async () => {
    running = await echoGateway();
    const client = await TestClient.connect(running.url('/app'));
    const claim = (payload: unknown) =>
      client.request({ type: 'event', event: 'name.claim', payload });
    const wrongType = await claim({ name: 5 });
    expect(wrongType.code).toBe('WS_MESSAGE_INVALID');
    expect(wrongType.details?.map((d) => d.path)).toEqual(['payload.name']);
    const taken = await claim({ name: 'taken' });
    expect(taken.code).toBe('WS_MESSAGE_INVALID');
    expect(taken.details).toEqual([{ path: 'payload.name', message: 'already taken' }]);
    const ok = await claim({ name: 'free' });
    expect(ok.payload).toEqual({ claimed: 'free' });
  });

  it('lets middleware time, enrich and short-circuit events', async () => {
    const seen: string[] = [];
    running = await startGateway((gw) => {
      gw.use(async (ctx, next) => {
        seen.push(`gateway:${ctx.event}`);
        ctx.state.user = 'ada';
        await next();
      });
      const ns = gw.namespace('/mw');
      ns.use((ctx, next) => {
        if (ctx.event === 'blocked') {
          ctx.result = { blocked: true };
          return;
        }
        return next();
      });
      ns.on('who', (_p, _conn, ctx) => ctx.state.user);
      ns.on('blocked', () => 'handler must not run');
    });
    const client = await TestClient.connect(running.url('/mw'));
    expect((await client.request({ type: 'event', event: 'who' })).payload).toBe('ada');
    expect((await client.request({ type: 'event', event: 'blocked' })).payload).toEqual({
      blocked: true,
    });
    expect(seen).toEqual(['gateway:who', 'gateway:blocked']);
  });
});
