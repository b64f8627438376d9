import { randomUUID } from 'node:crypto';
import type { ClusterCommand } from '@herald/server';

interface Waiting {
  answers: unknown[];
  expected: number;
  done(answers: unknown[]): void;
  timer: NodeJS.Timeout;
}

export interface CommandRequest {
  id: string;
  /** Absent when the sender wants no answer (a publisher, not a node: `RedisBroker.send`). */
  replyTo?: string;
  command: ClusterCommand;
}

export interface CommandReply {
  id: string;
  answer: unknown;
}

/**
 * Cluster commands as request and replies over pub/sub: the request goes to every node on the
 * control channel, each answers on the requester's reply channel, and the requester stops
 * waiting once every live node answered or the timeout passed.
 */
export class ClusterRpc {
  private readonly waiting = new Map<string, Waiting>();

  constructor(private readonly replyTo: string) {}

  /** Starts a request; `send` publishes it. Resolves with the answers received. */
  request(
    command: ClusterCommand,
    expected: number,
    timeout: number,
    send: (request: CommandRequest) => Promise<unknown>,
  ): Promise<unknown[]> {
    const id = randomUUID();
    return new Promise((resolve) => {
      const finish = (answers: unknown[]) => {
        clearTimeout(waiting.timer);
        this.waiting.delete(id);
        resolve(answers);
      };
      const waiting: Waiting = {
        answers: [],
        expected,
        done: finish,
        timer: setTimeout(() => finish(waiting.answers), timeout),
      };
      this.waiting.set(id, waiting);
      send({ id, replyTo: this.replyTo, command }).catch(() => finish(waiting.answers));
    });
  }

  /** Records one node's answer. */
  receive(reply: CommandReply): void {
    const waiting = this.waiting.get(reply.id);
    if (!waiting) return;
    waiting.answers.push(reply.answer);
    if (waiting.answers.length >= waiting.expected) waiting.done(waiting.answers);
  }

  /** Resolves every request still waiting with what it has. */
  close(): void {
    for (const waiting of [...this.waiting.values()]) waiting.done(waiting.answers);
  }
}
