/**
 * One server under test, alone in its process so that its CPU time is measured alone:
 * `herald` (a Herald gateway), `ws` (a bare ws server that serialises once and loops send) or
 * `socketio` (Socket.IO, WebSocket transport, broadcasting to a room). Each answers `echo`
 * requests and can send a note to the user 'target'. Driven over IPC.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as SocketIoServer } from 'socket.io';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { createBroker } from '@herald/cli';
import { createGateway } from '@herald/server';
import type { ServerCommand, ServerMessage, ServerSetup } from './protocol.js';

interface Target {
  port: number;
  publish(seq: number): void;
  noteToUser(seq: number): void;
}

const text = 'x'.repeat(100);
// Clients on this machine share the clock: the receive time minus this is the latency.
const payload = (seq: number) => ({
  seq,
  sentAt: performance.timeOrigin + performance.now(),
  text,
});
const echoSchema = z.object({ text: z.string(), n: z.number() });
const echoReply = (request: { text: string; n: number }) => ({
  text: request.text,
  n: request.n + 1,
});

async function heraldTarget(setup: ServerSetup): Promise<Target> {
  const broker = setup.broker && (await createBroker(setup.broker));
  const gateway = createGateway({
    logLevel: 'warn',
    ...(broker && { broker }),
    ...(setup.users && { auth: { authenticate: (token: string) => ({ userId: token }) } }),
  });
  gateway
    .namespace(
      '/bench',
      setup.defaults
        ? {}
        : {
            backpressure: { maxQueueBytes: 64 * 1024 * 1024, maxQueueMessages: 1_000_000 },
            ...(setup.writeDelay !== undefined && { writeDelay: setup.writeDelay }),
          },
    )
    .on('echo', { schema: echoSchema }, (request) => echoReply(request));
  const { port } = await gateway.listen(0, '127.0.0.1');
  return {
    port,
    publish: (seq) => void gateway.publish('bench', 'tick', payload(seq)),
    noteToUser: (seq) => void gateway.to({ user: 'target' }).emit('note', payload(seq)),
  };
}

const userOf = (request: IncomingMessage) =>
  new URL(request.url ?? '/', 'http://x').searchParams.get('token') ?? '';

async function wsTarget(): Promise<Target> {
  const server = createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  const subscribers = new Set<WebSocket>();
  const byUser = new Map<string, Set<WebSocket>>();
  wss.on('connection', (ws, request) => {
    const user = userOf(request);
    const sockets = byUser.get(user) ?? new Set<WebSocket>();
    byUser.set(user, sockets.add(ws));
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; id: string; payload: unknown };
      if (frame.type === 'subscribe') subscribers.add(ws);
      const parsed = frame.type === 'event' ? echoSchema.safeParse(frame.payload) : undefined;
      const answer = parsed?.success ? echoReply(parsed.data) : undefined;
      ws.send(JSON.stringify({ type: 'ack', id: frame.id, payload: answer }));
    });
    ws.on('close', () => {
      subscribers.delete(ws);
      sockets.delete(ws);
      if (sockets.size === 0) byUser.delete(user);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const eventFrame = (fields: object) =>
    JSON.stringify({ type: 'event', ...fields, meta: { ts: Date.now() } });
  return {
    port: (server.address() as AddressInfo).port,
    publish: (seq) => {
      // Fair baseline: the frame is serialised once, then sent to each client.
      const data = eventFrame({ channel: 'bench', event: 'tick', payload: payload(seq) });
      for (const ws of subscribers) ws.send(data);
    },
    noteToUser: (seq) => {
      const data = eventFrame({ event: 'note', payload: payload(seq) });
      for (const ws of byUser.get('target') ?? []) ws.send(data);
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
    const user = socket.handshake.query.token;
    if (typeof user === 'string') void socket.join(`user:${user}`);
    socket.on('subscribe', (room: string, ack: () => void) => {
      void socket.join(room);
      ack();
    });
    socket.on('echo', (request: unknown, ack: (reply: unknown) => void) => {
      const parsed = echoSchema.safeParse(request);
      ack(parsed.success ? echoReply(parsed.data) : { error: 'invalid' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    publish: (seq) => void ioServer.to('bench').emit('tick', payload(seq)),
    noteToUser: (seq) => void ioServer.to('user:target').emit('note', payload(seq)),
  };
}

const targets: Record<string, (setup: ServerSetup) => Promise<Target>> = {
  herald: heraldTarget,
  ws: wsTarget,
  socketio: socketIoTarget,
};
const name = process.argv[2] ?? '';
const makeTarget = targets[name];
if (!makeTarget) throw new Error(`unknown server '${name}': herald, ws or socketio`);
const target = await makeTarget(JSON.parse(process.argv[3] ?? '{}') as ServerSetup);
const send = (message: ServerMessage) => process.send?.(message);

let cpuAtStart = process.cpuUsage();

/** Calls `step(seq)` `messages` times, `perTurn` per setImmediate turn or per timer tick. */
function run(
  messages: number,
  perTurn: number,
  intervalMs: number | undefined,
  step: (seq: number) => void,
): void {
  cpuAtStart = process.cpuUsage();
  let seq = 0;
  if (intervalMs !== undefined) {
    const timer = setInterval(() => {
      for (let i = 0; i < perTurn && seq < messages; i++) step(seq++);
      if (seq === messages) clearInterval(timer);
    }, intervalMs);
    return;
  }
  const tick = () => {
    for (let i = 0; i < perTurn && seq < messages; i++) step(seq++);
    if (seq < messages) setImmediate(tick);
  };
  tick();
}

/** Heap and RSS after collecting garbage a few times, with pauses for finalisers to run. */
async function settledMemory(): Promise<ServerMessage> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('the server needs --expose-gc to measure memory');
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const { rss, heapUsed } = process.memoryUsage();
  return { type: 'memory', rss, heapUsed };
}

process.on('message', (command: ServerCommand) => {
  switch (command.type) {
    case 'publish':
      return run(command.messages, command.perTurn, command.intervalMs, target.publish);
    case 'to-user':
      return run(command.messages, 1, command.intervalMs, target.noteToUser);
    case 'cpu-reset':
      cpuAtStart = process.cpuUsage();
      return;
    case 'cpu': {
      // CPU since the run (or reset) began, asked for once the clients have seen everything.
      const cpu = process.cpuUsage(cpuAtStart);
      return send({ type: 'cpu', cpuMicros: cpu.user + cpu.system });
    }
    case 'memory':
      return void settledMemory().then(send);
  }
});
send({ type: 'ready', port: target.port });
