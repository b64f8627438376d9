/**
 * One server under test, alone in its process so that its CPU time is measured alone:
 * `herald` (a Herald gateway), `ws` (a bare ws server that serialises once and loops send) or
 * `socketio` (Socket.IO, WebSocket transport, broadcasting to a room). Driven over IPC.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as SocketIoServer } from 'socket.io';
import { WebSocketServer, type WebSocket } from 'ws';
import { createGateway } from '@herald/server';
import type { PublishCommand, ServerMessage } from './protocol.js';

interface Target {
  port: number;
  publish(seq: number): void;
}

const payload = { text: 'x'.repeat(100) };

async function heraldTarget(): Promise<Target> {
  const gateway = createGateway({ logLevel: 'warn' });
  gateway.namespace('/bench', {
    backpressure: { maxQueueBytes: 64 * 1024 * 1024, maxQueueMessages: 1_000_000 },
  });
  const { port } = await gateway.listen(0, '127.0.0.1');
  return { port, publish: (seq) => void gateway.publish('bench', 'tick', { seq, ...payload }) };
}

async function wsTarget(): Promise<Target> {
  const server = createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  const subscribers = new Set<WebSocket>();
  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; id: string };
      if (frame.type === 'subscribe') subscribers.add(ws);
      ws.send(JSON.stringify({ type: 'ack', id: frame.id }));
    });
    ws.on('close', () => subscribers.delete(ws));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    publish: (seq) => {
      // Fair baseline: the frame is serialised once, then sent to each client.
      const data = JSON.stringify({
        type: 'event',
        channel: 'bench',
        event: 'tick',
        payload: { seq, ...payload },
        meta: { ts: Date.now() },
      });
      for (const ws of subscribers) ws.send(data);
    },
  };
}

async function socketIoTarget(): Promise<Target> {
  const server = createServer();
  const ioServer = new SocketIoServer(server, {
    transports: ['websocket'],
    perMessageDeflate: false,
  });
  ioServer.on('connection', (socket) => {
    socket.on('subscribe', (room: string, ack: () => void) => {
      void socket.join(room);
      ack();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    publish: (seq) => void ioServer.to('bench').emit('tick', { seq, ...payload }),
  };
}

const targets: Record<string, () => Promise<Target>> = {
  herald: heraldTarget,
  ws: wsTarget,
  socketio: socketIoTarget,
};
const name = process.argv[2] ?? '';
const makeTarget = targets[name];
if (!makeTarget) throw new Error(`unknown server '${name}': herald, ws or socketio`);
const target = await makeTarget();
const send = (message: ServerMessage) => process.send?.(message);

let cpuAtStart = process.cpuUsage();

/** Publishes `messages` times: `perTurn` per setImmediate turn, or one per `intervalMs` timer. */
function run({ messages, perTurn, intervalMs }: PublishCommand): void {
  cpuAtStart = process.cpuUsage();
  let seq = 0;
  if (intervalMs !== undefined) {
    const timer = setInterval(() => {
      target.publish(seq++);
      if (seq === messages) clearInterval(timer);
    }, intervalMs);
    return;
  }
  const tick = () => {
    for (let i = 0; i < perTurn && seq < messages; i++) target.publish(seq++);
    if (seq < messages) setImmediate(tick);
  };
  tick();
}

process.on('message', (command: PublishCommand | { type: 'cpu' }) => {
  if (command.type === 'publish') run(command);
  else {
    // CPU since the run began, asked for once every client has received everything.
    const cpu = process.cpuUsage(cpuAtStart);
    send({ type: 'cpu', cpuMicros: cpu.user + cpu.system });
  }
});
send({ type: 'ready', port: target.port });
