import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../support/gateway-fixture.js';
import { LineSink } from '../support/line-sink.js';
import { stillServes } from '../support/probes.js';
import { TestClient } from '../support/test-client.js';

let running: RunningGateway;
afterEach(() => running.gateway.close());

/** What controllers compile to, used directly: `ack` on events and the channel hooks. */
describe('the functional API’s acknowledged events and channel hooks', () => {
  it('runs subscribe hooks after authorizeSubscribe, and unsubscribe hooks after the leave, logging their failures', async () => {
    const seen: string[] = [];
    const sink = new LineSink();
    running = await startGateway(
      (gw) => {
        gw.namespace('/hooks', {
          authorizeSubscribe: (_conn, channel) => (seen.push(`authorize ${channel}`), true),
          maxSubscriptions: 1,
        })
          .onSubscribe('job:{id}', (_conn, channel, params) => {
            seen.push(`subscribe ${channel} ${params.id}`);
            return params.id !== '0';
          })
          .onUnsubscribe('job:*', (conn, channel) => {
            seen.push(`unsubscribe ${channel} ${conn.channels.size}`);
            throw new Error('bookkeeping failed');
          })
          .on('echo', { ack: true }, (payload) => payload);
      },
      { logger: pino({ level: 'error' }, sink) },
    );
    const client = await TestClient.connect(running.url('/hooks'));
    expect(await client.request({ type: 'subscribe', channel: 'job:0' })).toMatchObject({
      code: 'WS_FORBIDDEN',
    });
    expect(await client.request({ type: 'subscribe', channel: 'job:1' })).toMatchObject({
      type: 'ack',
    });
    // Over the limit: refused before the hook runs.
    expect(await client.request({ type: 'subscribe', channel: 'job:2' })).toMatchObject({
      code: 'WS_SUBSCRIPTION_LIMIT',
    });
    // A repeated subscribe is not a new join: the hook does not run again.
    expect(await client.request({ type: 'subscribe', channel: 'job:1' })).toMatchObject({
      type: 'ack',
    });
    // A failing unsubscribe hook is logged; the leave happened, so the client gets its ack.
    expect(await client.request({ type: 'unsubscribe', channel: 'job:1' })).toMatchObject({
      type: 'ack',
    });
    // Leaving a channel the connection is not in runs no hook.
    expect(await client.request({ type: 'unsubscribe', channel: 'job:1' })).toMatchObject({
      type: 'ack',
    });
    expect(seen).toEqual([
      'authorize job:0',
      'subscribe job:0 0',
      'authorize job:1',
      'subscribe job:1 1',
      'authorize job:2',
      'unsubscribe job:1 0',
    ]);
    expect(sink.records()).toContainEqual(
      expect.objectContaining({
        msg: 'onUnsubscribe hook failed',
        channel: 'job:1',
        err: expect.objectContaining({ message: 'bookkeeping failed' }),
      }),
    );
    client.send({ type: 'event', event: 'echo', payload: 'no id' });
    expect(await client.waitFor((f) => f.type === 'error' && f.id === undefined)).toMatchObject({
      code: 'WS_MESSAGE_INVALID',
      details: [{ path: 'id', message: 'required for an acknowledged event' }],
    });
    await stillServes(client);
  });

  it('runs no channel hook for the server’s own joins and leaves', async () => {
    const seen: string[] = [];
    running = await startGateway((gw) => {
      gw.namespace('/hooks')
        .onConnect((conn) => conn.join('job:1'))
        .onSubscribe('job:{id}', (_conn, channel) => void seen.push(`subscribe ${channel}`))
        .onUnsubscribe('job:{id}', (_conn, channel) => void seen.push(`unsubscribe ${channel}`))
        .on('leave', (_payload, conn) => conn.leave('job:1'))
        .on('echo', (payload) => payload);
    });
    const client = await TestClient.connect(running.url('/hooks'));
    await stillServes(client);
    const { connectionId } = (await client.waitFor((f) => f.event === 'connected')).payload as {
      connectionId: string;
    };
    expect(await running.gateway.subscribe({ connection: connectionId }, 'job:2')).toBe(1);
    expect(await running.gateway.unsubscribe({ connection: connectionId }, 'job:2')).toBe(1);
    expect(await client.request({ type: 'event', event: 'leave' })).toMatchObject({ type: 'ack' });
    // The client's own requests still run them, which shows they were there to run.
    expect(await client.request({ type: 'subscribe', channel: 'job:3' })).toMatchObject({
      type: 'ack',
    });
    expect(seen).toEqual(['subscribe job:3']);
  });
});
