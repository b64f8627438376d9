import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FrameId } from './frames.js';
import { PendingRequests, type OutgoingRequest } from './pending-requests.js';

/** A request that records the id it was sent with. */
function outgoing(sent: FrameId[], overrides: Partial<OutgoingRequest> = {}): OutgoingRequest {
  return {
    send: (id) => void sent.push(id),
    timeout: 1_000,
    timeoutError: () => new Error('timed out'),
    ...overrides,
  };
}

describe('PendingRequests', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('issues numeric ids without a prefix, and prefixed ones with it', () => {
    const sent: FrameId[] = [];
    const plain = new PendingRequests();
    const server = new PendingRequests({ idPrefix: 's' });
    void plain.request(outgoing(sent));
    void plain.request(outgoing(sent));
    void server.request(outgoing(sent));
    void server.request(outgoing(sent));
    expect(sent).toEqual([1, 2, 's1', 's2']);
    expect(plain.size).toBe(2);
  });

  it('resolves with the payload of the answer, once', async () => {
    const sent: FrameId[] = [];
    const pending = new PendingRequests();
    const answer = pending.request(outgoing(sent));
    const [id] = sent as [FrameId];
    expect(pending.settle(id, { payload: { ok: true } })).toBe(true);
    expect(pending.settle(id, { error: new Error('late') })).toBe(false);
    await expect(answer).resolves.toEqual({ ok: true });
    expect(pending.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects with the error of the answer', async () => {
    const sent: FrameId[] = [];
    const pending = new PendingRequests();
    const answer = pending.request(outgoing(sent));
    const refused = new Error('refused');
    expect(pending.settle(sent[0] as FrameId, { error: refused })).toBe(true);
    await expect(answer).rejects.toBe(refused);
  });

  it('answers false for an id it never issued', () => {
    const pending = new PendingRequests();
    expect(pending.settle(7, { payload: null })).toBe(false);
    expect(pending.settle('s7', { error: new Error('x') })).toBe(false);
  });

  it('rejects with the error the caller builds when the timer fires, and forgets the request', async () => {
    const sent: FrameId[] = [];
    const pending = new PendingRequests();
    const timeoutError = vi.fn(() => new Error('no answer within 500 ms'));
    const answer = pending.request(outgoing(sent, { timeout: 500, timeoutError }));
    const settled = expect(answer).rejects.toThrow('no answer within 500 ms');
    vi.advanceTimersByTime(499);
    expect(timeoutError).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    await settled;
    expect(timeoutError).toHaveBeenCalledOnce();
    expect(pending.size).toBe(0);
    expect(pending.settle(sent[0] as FrameId, { payload: 'too late' })).toBe(false);
  });

  it('drops a request whose send throws, rejecting with what was thrown', async () => {
    const pending = new PendingRequests();
    const full = new Error('queue full');
    const answer = pending.request(
      outgoing([], {
        send: () => {
          throw full;
        },
      }),
    );
    await expect(answer).rejects.toBe(full);
    expect(pending.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('lets send settle the request it was given', async () => {
    const pending = new PendingRequests();
    const answer = pending.request(
      outgoing([], { send: (id) => void pending.settle(id, { payload: `answered ${id}` }) }),
    );
    await expect(answer).resolves.toBe('answered 1');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects every request on close, or those picked', async () => {
    const sent: FrameId[] = [];
    const pending = new PendingRequests({ idPrefix: 's' });
    const answers = [1, 2, 3].map(() => pending.request(outgoing(sent)));
    const lost = new Error('connection lost');
    pending.rejectAll(lost, (id) => id !== 's2');
    await expect(answers[0]).rejects.toBe(lost);
    await expect(answers[2]).rejects.toBe(lost);
    expect(pending.size).toBe(1);

    const closed = new Error('closed');
    pending.rejectAll(closed);
    await expect(answers[1]).rejects.toBe(closed);
    expect(pending.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
