import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from './support/gateway-fixture.js';
import { TestClient } from './support/test-client.js';

let running: RunningGateway;
afterEach(() => running.gateway.close());

async function setup(): Promise<{ bad: TestClient; good: TestClient }> {
  running = await startGateway((gw) => {
    gw.namespace('/app', { maxMessageSize: 1024 }).on('echo', (payload) => payload);
  });
  const bad = await TestClient.connect(running.url('/app'));
  const good = await TestClient.connect(running.url('/app'));
  return { bad, good };
}

async function stillServes(client: TestClient): Promise<void> {
  expect((await client.request({ type: 'event', event: 'echo', payload: 'ok' })).payload).toBe(
    'ok',
  );
}

describe('malformed input', () => {
  it('answers invalid JSON with WS_MESSAGE_INVALID and keeps the connection', async () => {
    const { bad, good } = await setup();
    bad.ws.send('{"type":"event",');
    const error = await bad.waitFor((f) => f.type === 'error');
    expect(error).toMatchObject({ code: 'WS_MESSAGE_INVALID', message: 'frame is not valid JSON' });
    expect(error.id).toBeUndefined();
    await stillServes(bad);
    await stillServes(good);
  });

  it('answers an unknown type, echoing the id, and names the field', async () => {
    const { bad } = await setup();
    bad.send({ type: 'teleport', id: 'q' });
    const error = await bad.waitFor((f) => f.type === 'error');
    expect(error).toMatchObject({
      id: 'q',
      code: 'WS_MESSAGE_INVALID',
      message: "unknown frame type 'teleport'",
    });
    expect(error.details?.[0]?.path).toBe('type');
    await stillServes(bad);
  });

  it('names every missing or mistyped field', async () => {
    const { bad } = await setup();
    bad.send({ type: 'subscribe', id: 'z', channel: 7, since: { offset: -1, epoch: 3 } });
    const error = await bad.waitFor((f) => f.type === 'error');
    expect(error.details?.map((d) => d.path)).toEqual(['channel', 'since.offset', 'since.epoch']);
    bad.send([1, 2]);
    bad.send({ type: 'event', id: { no: 1 } });
    const errors = await bad.waitForCount((f) => f.type === 'error', 3);
    expect(errors[1]?.message).toBe('frame must be an object');
    expect(errors[2]?.details?.map((d) => d.path)).toEqual(['id', 'event']);
  });

  it('refuses a binary frame on a JSON connection', async () => {
    const { bad, good } = await setup();
    bad.ws.send(Buffer.from([1, 2, 3]));
    const error = await bad.waitFor((f) => f.type === 'error');
    expect(error.code).toBe('WS_MESSAGE_INVALID');
    expect(error.message).toContain('binary frames are not accepted');
    await stillServes(bad);
    await stillServes(good);
  });

  it('closes an oversized frame with 1009, counts it, and leaves others alone', async () => {
    const { bad, good } = await setup();
    bad.send({ type: 'event', event: 'echo', payload: 'x'.repeat(2048) });
    expect((await bad.closed).code).toBe(1009);
    await stillServes(good);
    expect(running.gateway.stats().oversized).toBe(1);
  });

  it('answers application-level ping with pong', async () => {
    const { good } = await setup();
    good.send({ type: 'ping' });
    expect(await good.waitFor((f) => f.type === 'pong')).toEqual({ type: 'pong' });
  });
});
