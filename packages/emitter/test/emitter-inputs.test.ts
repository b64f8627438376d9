import { readFileSync } from 'node:fs';
import { createEmitter, emitterDefaults, type Emitter } from '@herald/emitter';
import { ConfigError, ErrorCodes, HeraldError } from '@herald/server';
import { PayloadDepth } from '@herald/protocol';
import { afterEach, describe, expect, it } from 'vitest';

/** Nothing listens on port 1: an emitter there can only fail to reach its broker. */
const unreachable = 'redis://127.0.0.1:1';

let emitter: Emitter | undefined;
afterEach(async () => {
  await emitter?.close();
  emitter = undefined;
});

/** The refusal `attempt` rejects with, as `{ code, path }` of its first detail. */
async function refusal(attempt: Promise<unknown>): Promise<{ code: string; path?: string }> {
  const error = await attempt.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HeraldError);
  const { code, details, message } = error as HeraldError;
  expect(message).toContain(details?.[0]?.path ?? '');
  return { code, path: details?.[0]?.path };
}

const nested = (depth: number): unknown => (depth === 0 ? 'leaf' : { a: nested(depth - 1) });

describe('emitter inputs', () => {
  it('refuses what a gateway or its clients would refuse, naming the field, before connecting', async () => {
    emitter = createEmitter({ url: unreachable });
    const invalid = (path: string) => ({ code: ErrorCodes.WS_MESSAGE_INVALID, path });
    const e = emitter;
    expect(await refusal(e.publish('', 'x'))).toEqual(invalid('channel'));
    expect(await refusal(e.publish('has space', 'x'))).toEqual(invalid('channel'));
    expect(await refusal(e.publish('$ns:/chat', 'x'))).toEqual(invalid('channel'));
    expect(await refusal(e.publish('c'.repeat(257), 'x'))).toEqual(invalid('channel'));
    expect(await refusal(e.publish('news', ''))).toEqual(invalid('event'));
    expect(await refusal(e.publish('news', 'e'.repeat(129)))).toEqual(invalid('event'));
    expect(await refusal(e.publish('news', 'x', 10n))).toEqual(invalid('payload'));
    expect(await refusal(e.publish('news', 'x', nested(PayloadDepth.default + 1)))).toMatchObject({
      code: ErrorCodes.WS_MESSAGE_INVALID,
      path: expect.stringMatching(/^payload\.a/),
    });
    expect(await refusal(e.publish('news', 'x', 1, { tenant: 'a:b' }))).toEqual(invalid('tenant'));
    const history = (value: unknown) => e.publish('news', 'x', 1, { history: value as never });
    expect(await refusal(history({ size: 0, ttl: 0 }))).toEqual(invalid('history.size'));
    expect(await refusal(history({ size: 10, ttl: -1 }))).toEqual(invalid('history.ttl'));
    expect(await refusal(history({ size: 10 }))).toEqual(invalid('history.ttl'));
    expect(await refusal(history('yes'))).toEqual(invalid('history'));
    expect(await refusal(e.publish('news', 'x', 1, { except: '' }))).toEqual(invalid('except'));

    expect(await refusal(e.to({ user: '' }).emit('x'))).toEqual(invalid('to[0].user'));
    expect(
      await refusal(
        e
          .to({})
          .to({ rol: 'admin' } as never)
          .emit('x'),
      ),
    ).toEqual(invalid('to[1].rol'));
    expect(
      await refusal(
        e
          .to({ user: 'u' })
          .except({ user: 7 } as never)
          .emit('x'),
      ),
    ).toEqual(invalid('except.connections[0]'));
    expect(await refusal(e.to({ user: 'u' }).emit('x', () => 1))).toEqual(invalid('payload'));
    expect(await refusal(e.broadcastToTenant('', 'x'))).toEqual(invalid('tenant'));
  });

  it('refuses payloads nested deeper than its maxPayloadDepth option', async () => {
    emitter = createEmitter({ url: unreachable, maxPayloadDepth: 2 });
    expect(await refusal(emitter.publish('news', 'x', nested(3)))).toEqual({
      code: ErrorCodes.WS_MESSAGE_INVALID,
      path: 'payload.a.a',
    });
    // Two levels pass the check: the call goes on to the (unreachable) broker.
    await expect(emitter.publish('news', 'x', nested(2))).rejects.toMatchObject({
      code: ErrorCodes.WS_UNAVAILABLE,
    });
  });

  it('answers WS_UNAVAILABLE, retryable, when the broker cannot be reached', async () => {
    emitter = createEmitter({ url: unreachable });
    const error = await emitter.publish('news', 'x', 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeraldError);
    expect(error).toMatchObject({ code: ErrorCodes.WS_UNAVAILABLE, temporary: true });
    expect((error as Error).message).toMatch(/^the broker could not be reached/);
  });

  it('refuses every call once closed', async () => {
    emitter = createEmitter({ url: unreachable });
    await emitter.close();
    await expect(emitter.to({ user: 'u' }).emit('x')).rejects.toMatchObject({
      code: ErrorCodes.WS_UNAVAILABLE,
      message: 'the emitter is closed',
    });
  });

  it('refuses bad options at creation with a ConfigError naming the option', () => {
    const refused = (options: unknown) => {
      try {
        createEmitter(options as never);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    expect(refused({})).toMatch(/broker: give either broker or url/);
    expect(refused('http://127.0.0.1:6379')).toMatch(/url: use redis:\/\/.*not http:/);
    expect(refused('not a url')).toMatch(/url: "not a url" is not a URL/);
    expect(refused({ broker: { publish() {} } })).toMatch(/broker: must be a broker/);
    expect(refused({ url: 'nats://x', maxPayloadDepth: 65 })).toMatch(/maxPayloadDepth/);
    expect(refused({ url: 'nats://x', prefix: '' })).toMatch(/prefix/);
  });

  it('has the defaults docs/emitter.md states in its options table', () => {
    const docs = readFileSync(new URL('../../../docs/emitter.md', import.meta.url), 'utf8');
    const documented: Record<string, unknown> = {};
    for (const [, option, value] of docs.matchAll(/^\| `(\w+)` +\| `([^`]+)` +\|/gm)) {
      documented[option as string] = JSON.parse((value as string).replaceAll("'", '"'));
    }
    expect(documented).toEqual({ ...emitterDefaults });
  });
});
