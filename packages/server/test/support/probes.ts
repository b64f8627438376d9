import { expect } from 'vitest';
import type { ClientOptions } from 'ws';
import { TestClient } from './test-client.js';

/** Asserts the client still gets answers from an `echo` handler. */
export async function stillServes(client: TestClient): Promise<void> {
  const answer = await client.request({ type: 'event', event: 'echo', payload: 'still here' });
  expect(answer).toMatchObject({ type: 'ack', payload: 'still here' });
}

export interface Refusal {
  close: number;
  code: string | undefined;
  message: string | undefined;
}

/** Connects, expecting the gateway to accept then close: returns the close code and the error frame. */
export async function refusal(
  url: string,
  protocols?: string[],
  options?: ClientOptions,
): Promise<Refusal> {
  const client = await TestClient.connect(url, protocols, options);
  const { code } = await client.closed;
  const error = client.frames.find((f) => f.type === 'error');
  return { close: code, code: error?.code, message: error?.message };
}
