/**
 * One client process of bench/hundred-thousand.ts: opens its share of the connections from its
 * own loopback source address, spread evenly over the gateway nodes, subscribes each to the
 * bench channel, and counts receipts per publication sequence number.
 *
 * The receive path is one listener shared by every socket; it reads `seq` and `sentAt` from the
 * frame's bytes without decoding it, so a publication allocates nothing here beyond what `ws`
 * does, and the measured cost is the gateway's rather than this process's.
 */
import { WebSocket, type ClientOptions } from 'ws';
import { memoryNow } from './memory.js';
import type { ClientCommand, ClientReport } from './messages.js';

type Connect = Extract<ClientCommand, { type: 'connect' }>;

/**
 * Errors of a loaded loopback (full accept queue, no free port yet) that a new attempt may clear;
 * a gateway too busy to read a request's headers in its handshakeTimeout answers 408, and a SYN
 * dropped by a full accept queue is resent only after seconds: both are retried too.
 */
const retryable = new Set([
  'CLOSED',
  'ECONNRESET',
  'EADDRNOTAVAIL',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
]);
const maxAttempts = 50;
/** No new connection for this long means connecting has stalled. */
const stallMs = 60_000;

/**
 * Source ports are chosen here, not by the kernel: a bind() to port 0 searches for a free port
 * through every bound socket sharing the candidate's hash bucket, which at ~60,000 bound sockets
 * on the machine took most of each client's CPU (inet_bind2_bucket_find in perf) and slowed
 * connecting tenfold. This process alone uses its source address, so any port is free on it
 * but a listener's on all addresses (EADDRINUSE, retried on the next port).
 */
const firstPort = 10_000;
let nextPort = firstPort;
function takePort(): number {
  if (nextPort > 65_535)
    throw new Error(`no source port left on this address after ${65_535 - firstPort} attempts`);
  return nextPort++;
}

const SEQ = Buffer.from('"seq":');
const SENT_AT = Buffer.from('"sentAt":');
const ACK = Buffer.from('"type":"ack"');

const send = (report: ClientReport) => process.send?.(report);

let receipts = new Uint32Array(0);
let completedAt = new Float64Array(0);
let connections = 0;
let duplicates = 0;
let minLagMs = Infinity;
let maxLagMs = 0;
let pings = 0;
let closed = 0;
const sockets: WebSocket[] = [];

/** The non-negative integer written at `at` in `data`. */
function integerAt(data: Buffer, at: number): number {
  let value = 0;
  for (let i = at; i < data.length; i++) {
    const digit = data[i]! - 48;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
  }
  return value;
}

function onPublication(data: Buffer): void {
  const seqAt = data.indexOf(SEQ);
  if (seqAt < 0) return;
  const seq = integerAt(data, seqAt + SEQ.length);
  const lag = Date.now() - integerAt(data, data.indexOf(SENT_AT) + SENT_AT.length);
  if (lag < minLagMs) minLagMs = lag;
  if (lag > maxLagMs) maxLagMs = lag;
  if (seq >= receipts.length) return;
  const count = ++receipts[seq]!;
  if (count === connections) completedAt[seq] = Date.now();
  else if (count > connections) duplicates += 1;
}

const onPing = () => (pings += 1);
/** Close codes seen, by code: who ended a connection (1006: dropped, 1008/1011/4xxx: the gateway). */
const closeCodes: Record<string, number> = {};
const onClose = (code: number) => {
  closed += 1;
  closeCodes[code] = (closeCodes[code] ?? 0) + 1;
};
// An error after the connection is open is followed by its close, which is counted.
const ignore = () => undefined;

/** Opens one connection and resolves once its subscription is acknowledged. */
function openOne(url: string, command: Connect): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const options: ClientOptions & { localPort: number } = {
      localAddress: command.localAddress,
      localPort: takePort(),
      perMessageDeflate: false,
      handshakeTimeout: 15_000,
    };
    const ws = new WebSocket(url, options);
    const closedEarly = (code: number) =>
      reject(Object.assign(new Error(`closed with ${code} before the ack`), { code: 'CLOSED' }));
    const onMessage = (data: Buffer) => {
      if (data.indexOf(ACK) < 0) return;
      ws.off('message', onMessage).off('error', reject).off('close', closedEarly);
      ws.on('message', onPublication).on('ping', onPing).on('close', onClose).on('error', ignore);
      resolve(ws);
    };
    ws.once('error', reject);
    ws.once('close', closedEarly);
    ws.on('message', onMessage);
    ws.once('open', () =>
      ws.send(JSON.stringify({ type: 'subscribe', channel: command.channel, id: '1' })),
    );
  });
}

/** Opens connection `index`, again after a retryable error; returns how many retries it took. */
async function connectWithRetry(index: number, command: Connect): Promise<number> {
  const url = command.urls[index % command.urls.length]!;
  for (let attempt = 0; ; attempt++) {
    try {
      sockets.push(await openOne(url, command));
      return attempt;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      const overloaded = /Unexpected server response: 408|Opening handshake has timed out/.test(
        String(error),
      );
      if (!(retryable.has(code) || overloaded) || attempt + 1 >= maxAttempts) {
        throw new Error(
          `connection ${index} to ${url} failed after ${attempt + 1} attempts: ${String(error)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 200));
    }
  }
}

/** At most `concurrency` handshakes in flight: the loopback's accept queues are short. */
async function connectAll(command: Connect): Promise<void> {
  connections = command.connections;
  receipts = new Uint32Array(command.publications);
  completedAt = new Float64Array(command.publications);
  const started = Date.now();
  let next = 0;
  let retries = 0;
  let lastProgress = Date.now();
  const progress = setInterval(() => {
    send({ type: 'progress', connected: sockets.length });
    if (Date.now() - lastProgress > stallMs) {
      send({
        type: 'failed',
        message: `connecting stalled at ${sockets.length} of ${connections} from ${command.localAddress}`,
      });
    }
  }, 2000);
  const worker = async () => {
    while (next < connections) {
      retries += await connectWithRetry(next++, command);
      lastProgress = Date.now();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(command.concurrency, connections) }, worker));
    send({ type: 'connected', connected: sockets.length, retries, ms: Date.now() - started });
  } catch (error) {
    send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  } finally {
    clearInterval(progress);
  }
}

process.on('message', (command: ClientCommand) => {
  if (command.type === 'connect') void connectAll(command);
  else {
    send({
      type: 'tally',
      receipts: Array.from(receipts),
      completedAt: Array.from(completedAt),
      duplicates,
      minLagMs: minLagMs === Infinity ? 0 : minLagMs,
      maxLagMs,
      pings,
      closed,
      closeCodes,
      memory: memoryNow(false),
    });
  }
});
// Orphaned by a crashed parent: go too (the kernel closes the sockets).
process.on('disconnect', () => process.exit(0));
