import { describe, expect, it } from 'vitest';
import { decodeClientFrame, decodeServerFrame } from '../src/index.js';

const badPaths = (value: unknown): string[] => {
  const result = decodeClientFrame(value);
  return result.ok ? [] : result.error.details.map((d) => d.path);
};

describe('channel frames', () => {
  it('accepts each well-formed channel request as it is', () => {
    const frames = [
      { type: 'subscribe', channel: 'vip:1', id: 1, token: 'jwt', info: { name: 'Ann' } },
      { type: 'publish', channel: 'chat:1', event: 'say', payload: { text: 'hi' }, id: 2 },
      {
        type: 'history',
        channel: 'chat:1',
        since: { offset: 3, epoch: 'e' },
        limit: 10,
        reverse: true,
        id: 3,
      },
      { type: 'presence', channel: 'chat:1', id: 4 },
      { type: 'presenceStats', channel: 'chat:1', id: 5 },
    ];
    for (const frame of frames) expect(decodeClientFrame(frame)).toEqual({ ok: true, frame });
  });

  it('names each bad field of a channel request', () => {
    expect(badPaths({ type: 'publish', channel: 'c', payload: 1 })).toEqual(['event']);
    expect(badPaths({ type: 'history', channel: 'c', limit: 10_001, reverse: 1 })).toEqual([
      'limit',
      'reverse',
    ]);
    expect(badPaths({ type: 'history', channel: 'c', limit: 1.5 })).toEqual(['limit']);
    expect(badPaths({ type: 'presence' })).toEqual(['channel']);
    expect(badPaths({ type: 'subscribe', channel: 'c', token: '', info: [1] })).toEqual([
      'token',
      'info',
    ]);
    expect(badPaths({ type: 'subscribe', channel: 'c', info: { big: 'x'.repeat(2_048) } })).toEqual(
      ['info'],
    );
  });

  it('decodes join and leave for clients, and refuses one without a client', () => {
    const join = { type: 'join', channel: 'room', client: { connectionId: 'c1', userId: 'u1' } };
    expect(decodeServerFrame(join)).toEqual({ ok: true, frame: join });
    expect(decodeServerFrame({ ...join, type: 'leave' }).ok).toBe(true);
    const result = decodeServerFrame({ type: 'join', channel: 'room' });
    expect(result.ok ? [] : result.error.details.map((d) => d.path)).toEqual([
      'client.connectionId',
    ]);
  });
});
