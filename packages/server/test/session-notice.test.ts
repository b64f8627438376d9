import { afterEach, describe, expect, it } from 'vitest';
import { scopes } from '../src/index.js';
import { startGateway, type RunningGateway } from './support/gateway-fixture.js';
import { TestClient, type Frame } from './support/test-client.js';
import { secret, sign } from './support/tokens.js';

let running: RunningGateway;
afterEach(() => running.gateway.close());

const isNotice = (f: Frame) => f.type === 'system' && f.event === 'connected';
const ids: string[] = [];

function gateway(): Promise<RunningGateway> {
  ids.length = 0;
  return startGateway(
    (gw) => {
      for (const [path, auth] of [
        ['/app', 'required'],
        ['/public', 'public'],
        ['/scoped', scopes(['chat'])],
      ] as const) {
        gw.namespace(path, { auth }).onConnect((conn) => {
          ids.push(conn.id);
          conn.send('hello', conn.identity.userId ?? null);
        });
      }
      gw.namespace('/broken', { auth: 'public' }).onConnect(() => {
        throw new Error('database down');
      });
    },
    { auth: { jwt: { secret }, authTimeout: 300 } },
  );
}

describe('the session notice (system connected)', () => {
  it('follows the onConnect hooks of a handshake-authenticated session, with its id and expiry', async () => {
    running = await gateway();
    const token = await sign({ sub: 'ada' });
    const client = await TestClient.connect(running.url(`/app?token=${token}`));
    const notice = await client.waitFor(isNotice);
    expect(client.frames.map((f) => f.event)).toEqual(['hello', 'connected']);
    expect(notice.payload).toEqual({ connectionId: ids[0], expiresAt: expect.any(Number) });
    const anonymous = await TestClient.connect(running.url('/public'));
    expect((await anonymous.waitFor(isNotice)).payload).toEqual({ connectionId: ids[1] });
  });

  it('comes after the ack of an in-band auth frame, and not before it', async () => {
    running = await gateway();
    const client = await TestClient.connect(running.url('/app'));
    client.send({ type: 'ping' });
    await client.waitFor((f) => f.type === 'pong');
    const ack = await client.request({ type: 'auth', token: await sign({ sub: 'ada' }) });
    await client.waitFor(isNotice);
    expect(client.frames.map((f) => f.type)).toEqual(['pong', 'ack', 'event', 'system']);
    expect(client.frames.find(isNotice)?.payload).toEqual({
      connectionId: ids[0],
      expiresAt: (ack.payload as { expiresAt: number }).expiresAt,
    });
  });

  it('is never sent to a refused session: the error and the close code say why', async () => {
    running = await gateway();
    const cases = [
      { url: '/app?token=forged', close: 4001, code: 'WS_AUTH_FAILED' },
      { url: `/scoped?token=${await sign({ sub: 'ada' })}`, close: 4003, code: 'WS_FORBIDDEN' },
      {
        url: `/app?token=${await sign({ sub: 'ada' }, { expiresIn: -10 })}`,
        close: 4010,
        code: 'WS_TOKEN_EXPIRED',
      },
      { url: '/app', close: 4001, code: 'WS_AUTH_REQUIRED' }, // no auth frame within authTimeout
      { url: '/broken', close: 1011, code: undefined },
    ];
    for (const { url, close, code } of cases) {
      const client = await TestClient.connect(running.url(url));
      const closed = await client.closed;
      expect({ url, close: closed.code, frames: client.frames }).toEqual({
        url,
        close,
        frames: code === undefined ? [] : [expect.objectContaining({ type: 'error', code })],
      });
    }
  });
});
