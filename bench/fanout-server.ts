/**
 * One side of the fan-out benchmark, run in its own process so that its CPU time is measured
 * alone: `herald` (a Herald gateway), `ws` (a bare ws server that loops send per client) or
 * `socketio` (a Socket.IO server, WebSocket transport, broadcasting to a room).
 * Driven over IPC by bench/fanout.ts.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as SocketIoServer } from 'socket.io';
import { WebSocketServer, type WebSocket } from 'ws';
import { createGateway } from '@herald/server';

type Command = { type: 'run'; messages: number; batch: number } | { type: 'stop' };

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
      if (JSON.parse(data.toString()).type === 'subscribe') subscribers.add(ws);
      ws.send(JSON.stringify({ type: 'ack', id: JSON.parse(data.toString()).id }));
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
const mode = process.argv[2] ?? 'herald';
const makeTarget = targets[mode];
if (!makeTarget) throw new Error(`unknown server '${mode}': herald, ws or socketio`);
const target = await makeTarget();
let cpuAtStart = process.cpuUsage();

process.on('message', (command: Command) => {
  if (command.type === 'run') {
    cpuAtStart = process.cpuUsage();
    let seq = 0;
    // A steady publisher: `batch` publications per event-loop turn.
    const tick = () => {
      for (let i = 0; i < command.batch && seq < command.messages; i++) target.publish(seq++);
      if (seq < command.messages) setImmediate(tick);
    };
    tick();
  } else {
    const cpu = process.cpuUsage(cpuAtStart);
    process.send?.({ type: 'cpu', micros: cpu.user + cpu.system }, () => process.exit(0));
  }
});
process.send?.({ type: 'ready', port: target.port });
