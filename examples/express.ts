/**
 * Herald beside an Express app: Express serves HTTP routes, Herald takes the WebSocket
 * upgrades (and its HTTP fallback transports) on the same port.
 * Run: `npm run build && node --import tsx examples/express.ts`
 * (`PORT` chooses the port, default 3000; 0 takes a free one).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { z } from 'zod';
import { createGateway, type Gateway } from '@herald/server';

export function createApp(): { server: Server; gateway: Gateway } {
  const app = express();
  const gateway = createGateway();

  // The fallback transports (SSE, HTTP streaming) for clients whose WebSocket cannot open.
  app.use((req, res, next) => {
    if (!gateway.fallbackTransports(req, res)) next();
  });

  const notifications = gateway.namespace('/notifications/:userId');
  notifications.onConnect((conn) => conn.join(`user:${conn.params.userId}`));

  // An HTTP route that pushes to connected sockets.
  app.post('/notify/:userId', express.json(), async (req, res) => {
    const body = z.object({ text: z.string().min(1) }).safeParse(req.body);
    if (!body.success) {
      res.status(400).json({ error: 'text is required' });
      return;
    }
    await gateway.publish(`user:${req.params.userId}`, 'notification', body.data);
    res.status(202).json({ queued: true });
  });

  const server = createServer(app);
  gateway.attach(server);
  return { server, gateway };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { server } = createApp();
  server.listen(Number(process.env.PORT ?? 3000), () => {
    const { port } = server.address() as AddressInfo;
    console.log(`Express + Herald on :${port}`);
  });
}
