import { eachServer, type Case } from '../case.js';
import { openConnections } from '../open-round.js';
import type { ServerName, WorkerMessage } from '../protocol.js';
import { caseResult } from '../result.js';
import { fromAll, withServer } from '../rig.js';

const targets = 10;

/**
 * What one send to a user's connections costs while `others` connections of other users are
 * open: Herald's `to({ user }).emit`, Socket.IO's user room, and a bare Map user → sockets.
 */
async function targetedRound(
  server: ServerName,
  others: number,
  p: Record<string, number>,
): Promise<number> {
  return withServer(server, { users: true }, async (rig) => {
    await openConnections(rig, others, {
      workers: p.workers as number,
      concurrency: p.concurrency as number,
      users: true,
    });
    const receivers = rig.workers(targets, 1, () => ({
      mode: 'subscribe',
      expected: p.messages as number,
      sampleEvery: 0,
      user: 'target',
    }));
    await fromAll(receivers, 'subscribed');
    // Let the collections that opening thousands of connections left behind run first.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const received = fromAll<WorkerMessage & { type: 'received' }>(receivers, 'received');
    rig.command({
      type: 'to-user',
      messages: p.messages as number,
      intervalMs: p.interval as number,
    });
    await received;
    return (await rig.cpuMicros()) / (p.messages as number);
  });
}

export const toUser: Case = {
  name: 'to-user',
  description: `one send to the ${targets} connections of user 'target' while \`small\` or \`large\` connections of other users (one user each) are open; one send per \`interval\` ms`,
  parameters: {
    small: 1000,
    large: 15_000,
    messages: 2000,
    interval: 1,
    workers: 2,
    concurrency: 100,
    rounds: 1,
  },
  async run(p) {
    const rounds = await eachServer(p.rounds as number, async ({ server }) => {
      const small = await targetedRound(server, p.small as number, p);
      const large = await targetedRound(server, p.large as number, p);
      return {
        smallMicrosPerSend: Number(small.toFixed(2)),
        largeMicrosPerSend: Number(large.toFixed(2)),
        largeOverSmall: Number((large / small).toFixed(3)),
      };
    });
    const k = (n: number) => n.toLocaleString('en-US');
    return caseResult(
      this.name,
      this.description,
      p,
      [
        {
          key: 'largeMicrosPerSend',
          label: `server CPU / send, ${k(p.large as number)} others`,
          unit: 'µs',
        },
        {
          key: 'smallMicrosPerSend',
          label: `server CPU / send, ${k(p.small as number)} others`,
          unit: 'µs',
        },
        {
          key: 'largeOverSmall',
          label: `${k(p.large as number)} / ${k(p.small as number)}`,
          unit: '×',
        },
      ],
      rounds,
      [
        'A server process may hold 20,000 descriptors on this machine, so 50,000 other connections do not fit in one process: the large count is 15,000.',
        "Herald authenticates each connection with a custom `authenticate` taking the user from `?token=`; Socket.IO sockets join the room `user:<token>`; the bare ws server keeps a Map user → sockets. The CPU per send includes writing the note to the target's 10 connections.",
      ],
    );
  },
};
