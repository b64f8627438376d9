import type { WebSocket } from 'ws';

/**
 * Subscribes a raw socket to `channel` and resolves on the ack. Frames before it (the gateway's
 * `system` `connected` notice) are skipped, so the caller's listener sees publications only.
 */
export function subscribe(ws: WebSocket, channel: string): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer): void => {
      if ((JSON.parse(data.toString()) as { type: string }).type !== 'ack') return;
      ws.off('message', onMessage);
      resolve();
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ type: 'subscribe', channel, id: '1' }));
  });
}
