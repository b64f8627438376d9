import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { HeraldClient, type Subscription } from '@herald/client';
import { ClusterNode } from '../cluster/cluster.js';
import {
  startPrivateNats,
  startPrivateRedis,
  type PrivateService,
} from '../support/private-services.js';
import { TcpBalancer } from '../support/tcp-balancer.js';

/**
 * The chaos run: three gateway processes on a broker server of the run's own, SDK clients that
 * publish and subscribe through a TCP balancer, and faults one after the other (broker killed and
 * restarted, broker frozen with SIGSTOP, a gateway SIGKILLed and restarted, every client
 * connection cut, a rolling restart by SIGTERM). Afterwards it checks what Herald promises:
 * nothing acknowledged is lost, nothing arrives twice, a gap is always reported (`recovered:
 * false`), presence converges, and nothing is left behind once the clients are gone.
 */

export interface ChaosOptions {
  broker: 'redis' | 'nats';
  /** Rounds of the whole fault list. */
  rounds: number;
  /** How long a fault lasts (a broker down or frozen, a gateway dead), in ms. */
  faultMs: number;
  /** Quiet time after each fault, in ms. */
  settleMs: number;
  subscribers: number;
  /** Each of the three publishers publishes every this many ms. */
  publishEvery: number;
}

export interface ChaosResult {
  broker: string;
  options: ChaosOptions;
  startedAt: string;
  durationMs: number;
  faults: { name: string; atMs: number }[];
  published: number;
  acked: number;
  /** Acked publications a subscriber neither received nor was told it may have missed. */
  ackedAndLost: number;
  duplicates: number;
  /** Resubscriptions the gateway answered `recovered: false` (a gap it could not fill). */
  gapsReported: number;
  presence: { converged: boolean; expected: number; seen: number[] };
  leaks: { channels: unknown; presence: number; timers: number[]; timersOfAFreshNode: number };
  ok: boolean;
}

const secret = 'chaos-secret-that-is-at-least-32-bytes-long';
const channel = 'room:chaos';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const token = (user: string) =>
  new SignJWT({ sub: user })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(secret));

interface Member {
  user: string;
  client: HeraldClient;
  room: Subscription<{ p: number; n: number }>;
  received: string[];
  /** When the gateway said a resubscription could not recover (ms since the epoch). */
  gaps: number[];
}

/** A publication and when it was sent. */
interface Sent {
  key: string;
  at: number;
  acked: boolean;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const started = Date.now();
  const faults: ChaosResult['faults'] = [];
  const service = await startService(options.broker);
  const env = {
    WS_BROKER: options.broker,
    BROKER_URL: service.url,
    JWT_SECRET_KEY: secret,
    CLUSTER_PREFIX: `chaos-${randomUUID().slice(0, 8)}`,
    PRESENCE_TTL: '3000',
    NODE_TTL: '3000',
  };
  const nodes = await Promise.all([0, 1, 2].map(() => ClusterNode.start(env)));
  const timersOfAFreshNode = (await nodes[0]!.call({ type: 'timers' })) as number;
  const balancer = new TcpBalancer(
    nodes.map((node) => node.port),
    (n) => n % 3,
  );
  const port = await balancer.listen();
  const members: Member[] = [];
  const sent: Sent[] = [];
  let publishing = true;
  try {
    const join = async (user: string) => {
      const client = new HeraldClient(`ws://127.0.0.1:${port}/ws`, {
        token: await token(user),
        reconnect: { initialDelay: 50, maxDelay: 1_000 },
      });
      const member: Member = { user, client, received: [], gaps: [], room: undefined! };
      member.room = client.subscribe<{ p: number; n: number }>(channel, {
        publication: ({ payload }) => void member.received.push(`${payload.p}:${payload.n}`),
        subscribed: ({ recovered, resubscribed }) => {
          if (resubscribed && recovered === false) member.gaps.push(Date.now());
        },
      });
      await member.room.ready;
      members.push(member);
      return member;
    };
    const publishers = [];
    for (let p = 0; p < 3; p++) publishers.push(await join(`publisher-${p}`));
    for (let i = 0; i < options.subscribers; i++) await join(`subscriber-${i}`);
    const traffic = publishers.map(async (publisher, p) => {
      for (let n = 0; publishing; n++) {
        const entry: Sent = { key: `${p}:${n}`, at: Date.now(), acked: false };
        sent.push(entry);
        publisher.room.publish('tick', { p, n }).then(
          () => void (entry.acked = true),
          () => undefined, // refused, or unknown as its connection dropped: not acked
        );
        await sleep(options.publishEvery);
      }
    });

    const restart = async (index: number, signal: NodeJS.Signals) => {
      const node = nodes[index]!;
      await node.kill(signal);
      if (signal === 'SIGKILL') await sleep(options.faultMs);
      nodes[index] = await ClusterNode.start({ ...env, PORT: String(node.port) });
    };
    const faultList: [string, () => Promise<void>][] = [
      [
        'broker killed and restarted',
        async () => {
          await service.stop();
          await sleep(options.faultMs);
          await service.start();
        },
      ],
      [
        'broker frozen (SIGSTOP) and thawed',
        async () => {
          service.signal('SIGSTOP');
          await sleep(options.faultMs);
          service.signal('SIGCONT');
        },
      ],
      ['gateway SIGKILLed and restarted', () => restart(1, 'SIGKILL')],
      ['client connections cut', async () => balancer.cut()],
      [
        'rolling restart by SIGTERM',
        async () => {
          for (let index = 0; index < 3; index++) {
            await restart(index, 'SIGTERM');
            await sleep(options.settleMs / 3);
          }
        },
      ],
    ];
    await sleep(options.settleMs);
    for (let round = 0; round < options.rounds; round++) {
      for (const [name, fault] of faultList) {
        faults.push({ name, atMs: Date.now() - started });
        await fault();
        await sleep(options.settleMs);
      }
    }
    publishing = false;
    await Promise.all(traffic);
    // Quiet: every client back and subscribed, every answer in.
    await waitUntil(
      () => members.every((m) => m.client.state === 'connected' && m.room.state === 'subscribed'),
      30_000,
    );
    await sleep(options.settleMs);

    const acked = sent.filter((entry) => entry.acked);
    let ackedAndLost = 0;
    let duplicates = 0;
    for (const member of members) {
      const received = new Set(member.received);
      duplicates += member.received.length - received.size;
      for (const entry of acked) {
        if (received.has(entry.key)) continue;
        // Missed, and told so: a gap reported after it was sent accounts for it.
        if (!member.gaps.some((at) => at >= entry.at)) ackedAndLost += 1;
      }
    }
    const expected = members.length;
    const seen = await converge(nodes, expected);
    const gapsReported = members.reduce((sum, m) => sum + m.gaps.length, 0);

    for (const member of members) member.client.close();
    const leaks = await leftBehind(nodes, timersOfAFreshNode);
    const ok =
      ackedAndLost === 0 &&
      duplicates === 0 &&
      seen.every((count) => count === expected) &&
      leaks.presence === 0 &&
      Array.isArray(leaks.channels) &&
      leaks.channels.length === 0 &&
      leaks.timers.every((count) => count <= timersOfAFreshNode);
    return {
      broker: options.broker,
      options,
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      faults,
      published: sent.length,
      acked: acked.length,
      ackedAndLost,
      duplicates,
      gapsReported,
      presence: { converged: seen.every((count) => count === expected), expected, seen },
      leaks: { ...leaks, timersOfAFreshNode },
      ok,
    };
  } finally {
    publishing = false;
    for (const member of members) member.client.close();
    await balancer.close();
    await Promise.all(nodes.map((node) => node.kill('SIGKILL')));
    service.signal('SIGCONT');
    await service.dispose();
  }
}

function startService(broker: ChaosOptions['broker']): Promise<PrivateService> {
  // Both keep what they stored across a restart: a restart then loses nothing acked.
  return broker === 'redis' ? startPrivateRedis({ persistent: true }) : startPrivateNats();
}

/** Each node's count of presence entries, once they all say `expected` (or after 15 s). */
async function converge(nodes: ClusterNode[], expected: number): Promise<number[]> {
  const counts = () =>
    Promise.all(
      nodes.map(
        async (node) => ((await node.call({ type: 'presence', channel })) as unknown[]).length,
      ),
    );
  let seen = await counts();
  const deadline = Date.now() + 15_000;
  while (seen.some((count) => count !== expected) && Date.now() < deadline) {
    await sleep(250);
    seen = await counts();
  }
  return seen;
}

/** What is left once every client has gone: channels, presence entries, timers per node. */
async function leftBehind(nodes: ClusterNode[], timersOfAFreshNode: number) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const channels = await nodes[0]!.call({ type: 'channels' });
    const presence = ((await nodes[0]!.call({ type: 'presence', channel })) as unknown[]).length;
    const timers = await Promise.all(
      nodes.map((node) => node.call({ type: 'timers' }) as Promise<number>),
    );
    const clean =
      Array.isArray(channels) &&
      channels.length === 0 &&
      presence === 0 &&
      timers.every((count) => count <= timersOfAFreshNode);
    if (clean || Date.now() > deadline) return { channels, presence, timers };
    await sleep(250);
  }
}

async function waitUntil(check: () => boolean, timeout: number): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('the clients did not come back in time');
    await sleep(100);
  }
}
