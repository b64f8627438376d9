/**
 * A load-generating process, set up by its JSON argument (see `WorkerSetup`): subscribers that
 * count (and optionally time) publications, request senders for `echo`, or plain connections
 * opened with bounded concurrency. The same clients and payloads serve every server.
 */
import { io, type Socket } from 'socket.io-client';
import { WebSocket } from 'ws';
import { subscribe } from '../subscribe.js';
import type { WorkerMessage, WorkerSetup } from './protocol.js';

const setup = JSON.parse(process.argv[2] ?? '{}') as WorkerSetup;
const send = (message: WorkerMessage) => process.send?.(message);
const now = () => performance.timeOrigin + performance.now();

type Connection = { kind: 'socketio'; socket: Socket } | { kind: 'ws'; ws: WebSocket };

async function connect(user?: string): Promise<Connection> {
  const query = user === undefined ? '' : `?token=${encodeURIComponent(user)}`;
  if (setup.server === 'socketio') {
    const socket = io(`http://127.0.0.1:${setup.port}`, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      ...(user !== undefined && { query: { token: user } }),
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return { kind: 'socketio', socket };
  }
  const path = setup.server === 'herald' ? '/bench' : '/';
  const ws = new WebSocket(`ws://127.0.0.1:${setup.port}${path}${query}`, {
    perMessageDeflate: false,
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return { kind: 'ws', ws };
}

/** The `sentAt` of an event frame's payload (raw WebSocket servers). */
const sentAtOf = (data: Buffer) =>
  (JSON.parse(data.toString()) as { payload?: { sentAt?: number } }).payload?.sentAt;

function startedCommand(): Promise<void> {
  return new Promise((resolve) => process.once('message', () => resolve()));
}

async function subscribers(s: Extract<WorkerSetup, { mode: 'subscribe' }>): Promise<void> {
  const expected = s.expected * s.count;
  const latencies: number[] = [];
  let received = 0;
  const onMessage = () => {
    if (++received === expected) send({ type: 'received', count: received, latencies });
  };
  const event = s.user === undefined ? 'tick' : 'note';
  const one = async (index: number) => {
    const timed = s.sampleEvery > 0 && index % s.sampleEvery === 0;
    const c = await connect(s.user);
    if (c.kind === 'socketio') {
      if (s.user === undefined) await c.socket.emitWithAck('subscribe', 'bench');
      c.socket.on(event, (p: { sentAt: number }) => {
        if (timed) latencies.push(now() - p.sentAt);
        onMessage();
      });
      return;
    }
    if (s.user === undefined) await subscribe(c.ws, 'bench');
    c.ws.on('message', (data: Buffer) => {
      if (s.user !== undefined && !data.includes('"note"')) return; // Herald's `connected` notice
      if (timed) {
        const sentAt = sentAtOf(data);
        if (sentAt !== undefined) latencies.push(now() - sentAt);
      }
      onMessage();
    });
  };
  await Promise.all(Array.from({ length: s.count }, (_, i) => one(i)));
  send({ type: 'subscribed' });
}

/** One client's loop: a request, its answer, the next request, until `deadline`. */
async function echoLoop(c: Connection, deadline: number): Promise<number> {
  let n = 0;
  if (c.kind === 'socketio') {
    while (now() < deadline) await c.socket.emitWithAck('echo', { text: 'hello', n: n++ });
    return n;
  }
  return new Promise((resolve) => {
    const next = () => {
      if (now() >= deadline) return resolve(n);
      c.ws.send(
        JSON.stringify({
          type: 'event',
          event: 'echo',
          payload: { text: 'hello', n },
          id: String(n),
        }),
      );
      n++;
    };
    c.ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as { type: string; id?: string };
      if (frame.type === 'ack' && frame.id === String(n - 1)) next();
    });
    next();
  });
}

async function echoes(s: Extract<WorkerSetup, { mode: 'echo' }>): Promise<void> {
  const connections = await Promise.all(Array.from({ length: s.count }, () => connect()));
  send({ type: 'connected', count: connections.length });
  await startedCommand();
  const deadline = now() + s.seconds * 1000;
  const counts = await Promise.all(connections.map((c) => echoLoop(c, deadline)));
  send({ type: 'requests', count: counts.reduce((a, b) => a + b, 0) });
}

async function opener(s: Extract<WorkerSetup, { mode: 'open' }>): Promise<void> {
  send({ type: 'subscribed' });
  await startedCommand();
  const open: Connection[] = [];
  let nextIndex = 0;
  // `concurrency` lanes, each opening its next connection when the previous one is open.
  const lane = async () => {
    while (nextIndex < s.count) {
      const index = nextIndex++;
      open.push(await connect(s.userOffset === undefined ? undefined : `u${s.userOffset + index}`));
    }
  };
  await Promise.all(Array.from({ length: Math.min(s.concurrency, s.count) }, lane));
  send({ type: 'connected', count: open.length });
}

if (setup.mode === 'subscribe') await subscribers(setup);
else if (setup.mode === 'echo') await echoes(setup);
else await opener(setup);
// The coordinator ends this process when the round is over.
