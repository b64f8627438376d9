import { TestClient } from '../../../server/test/support/test-client.js';

/**
 * A client of chat `lobby` on the demo at `port`, joined to `room` (as `name` when given), as the
 * chat page joins.
 */
export async function joinedClient(port: number, room: string, name?: string): Promise<TestClient> {
  const client = await TestClient.connect(`ws://127.0.0.1:${port}/chat/lobby`);
  const payload = name === undefined ? { room } : { room, name };
  await client.request({ type: 'event', event: 'room.join', payload });
  return client;
}

/** Sends `text` to `room` from `client`, and waits for the gateway's ack. */
export async function sendMessage(client: TestClient, room: string, text: string): Promise<void> {
  await client.request({ type: 'event', event: 'message.send', payload: { room, text } });
}
