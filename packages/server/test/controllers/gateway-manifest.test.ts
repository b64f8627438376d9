import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  buildManifest,
  createHttpApi,
  Emits,
  manifestSchema,
  Socket,
  requireRoles,
  type Gateway,
  type Manifest,
} from '../../src/index.js';
import { startGateway, type RunningGateway } from '../support/gateway-fixture.js';
import { ChatSocket, providers } from './fixtures/chat-controllers.js';

let running: RunningGateway;
afterEach(() => running.gateway.close());

const apiKey = 'manifest-test-key';

/** The fixture's controller, and a namespace of the functional API beside it. */
function declare(gw: Gateway): void {
  gw.provide(...providers).register(ChatSocket);
  const ns = gw.namespace('/orders', { maxSubscriptions: 5 });
  ns.guard(requireRoles(['buyer']), { priority: 3, events: ['order.place'] });
  ns.on('order.place', { schema: z.object({ sku: z.string() }), ack: true }, function place() {
    return 'placed';
  });
  ns.onConnect(function greet() {});
  ns.onSubscribe('order:{id}', function watch() {
    return true;
  });
  ns.onUnsubscribe('order:{id}', function unwatch() {});
}

describe('the manifest of a running gateway', () => {
  it('describes registered controllers fully and functional namespaces with what they know', async () => {
    running = await startGateway(declare);
    const manifest = manifestSchema.parse(running.gateway.manifest('src/controllers.ts'));
    expect(manifest.module).toBe('src/controllers.ts');
    expect(manifest.providers).toEqual([
      { token: 'PresenceStore', lifetime: 'singleton', inject: [] },
    ]);
    expect(manifest.namespaces.map((ns) => ns.path)).toEqual(['/chat/:room', '/orders']);
    const [chat, orders] = manifest.namespaces as [
      Manifest['namespaces'][number],
      Manifest['namespaces'][number],
    ];
    expect(chat).toMatchObject({
      controller: 'ChatSocket',
      export: 'ChatSocket',
      params: ['room'],
      options: { maxMessageSize: 16 * 1024 },
      inject: ['PresenceStore'],
      guards: [{ name: 'requireRoles(member)', priority: 10 }],
      connect: ['welcome'],
      disconnect: ['cleanup'],
      channels: [
        { kind: 'subscribe', pattern: 'room:{room}', params: ['room'], method: 'join' },
        { kind: 'unsubscribe', pattern: 'room:{room}', params: ['room'], method: 'left' },
      ],
    });
    expect(chat.events).toEqual([
      expect.objectContaining({
        name: 'message.send',
        method: 'send',
        ack: true,
        guards: [{ name: 'requireRoles(writer)', priority: 0 }],
        schema: expect.objectContaining({ required: ['room', 'text'] }),
        reply: expect.objectContaining({ required: ['delivered'] }),
      }),
    ]);
    expect(chat.emits.map((e) => e.name)).toEqual(['message.receive']);
    expect(orders).toMatchObject({
      controller: '',
      export: '',
      params: [],
      options: expect.objectContaining({ maxSubscriptions: 5 }),
      inject: [],
      connect: ['greet'],
      disconnect: [],
      channels: [
        { kind: 'subscribe', pattern: 'order:{id}', params: ['id'], method: 'watch' },
        { kind: 'unsubscribe', pattern: 'order:{id}', params: ['id'], method: 'unwatch' },
      ],
      events: [
        {
          name: 'order.place',
          method: 'place',
          ack: true,
          guards: [{ name: 'requireRoles(buyer)', priority: 3 }],
          schema: expect.objectContaining({ required: ['sku'] }),
        },
      ],
    });
  });

  it('is served at GET /api/manifest to an admin, and listed in the OpenAPI document', async () => {
    running = await startGateway(declare, {}, (gw) => [createHttpApi(gw, { apiKey })]);
    const url = `http://127.0.0.1:${running.port}/api`;
    const refused = await fetch(`${url}/manifest`);
    expect(refused.status).toBe(401);
    const answer = await fetch(`${url}/manifest`, {
      headers: { Authorization: `Bearer ${apiKey}` },
    });
    expect(answer.status).toBe(200);
    const manifest = manifestSchema.parse(await answer.json());
    expect(manifest).toEqual(manifestSchema.parse(running.gateway.manifest()));
    expect(manifest.namespaces.map((ns) => ns.controller)).toEqual(['ChatSocket', '']);
    const openApi = (await (await fetch(`${url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    expect(openApi.paths['/manifest']?.get?.operationId).toBe('getManifest');
  });

  it('lists serverEvents of @Socket and @Emits alike among the events a controller sends', () => {
    const tick = z.object({ price: z.number() });
    @Emits('price.closed')
    @Socket('/prices', { serverEvents: { 'price.tick': tick } })
    class PriceSocket {}
    const { manifest, problems } = buildManifest({
      controllers: [{ export: 'PriceSocket', controller: PriceSocket }],
      module: 'prices.ts',
    });
    expect(problems).toEqual([]);
    expect(manifest.namespaces[0]?.emits).toEqual([
      { name: 'price.tick', schema: expect.objectContaining({ required: ['price'] }) },
      { name: 'price.closed' },
    ]);
    // serverEvents are not namespace options.
    expect(manifest.namespaces[0]?.options).toEqual({});
  });
});
