/**
 * A load-generating process: opens `count` subscribers to one server (argv: server port count
 * expected), reports when all are subscribed, and again once each has received `expected`
 * publications. The same clients and payloads serve every server.
 */
import { io } from 'socket.io-client';
import { WebSocket } from 'ws';
import { subscribe } from '../subscribe.js';
import type { ServerName, WorkerMessage } from './protocol.js';

const [server, port, countArg, expectedArg] = process.argv.slice(2) as [
  ServerName,
  string,
  string,
  string,
];
const count = Number(countArg);
const expected = Number(expectedArg) * count;
const send = (message: WorkerMessage) => process.send?.(message);

async function subscriber(onMessage: () => void): Promise<void> {
  if (server === 'socketio') {
    const socket = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    await socket.emitWithAck('subscribe', 'bench');
    socket.on('tick', onMessage);
    return;
  }
  const path = server === 'herald' ? '/bench' : '/';
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { perMessageDeflate: false });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  await subscribe(ws, 'bench');
  ws.on('message', onMessage);
}

let received = 0;
const onMessage = () => {
  if (++received === expected) send({ type: 'received', count: received });
};
await Promise.all(Array.from({ length: count }, () => subscriber(onMessage)));
send({ type: 'subscribed' });
// The coordinator ends this process when the round is over.
