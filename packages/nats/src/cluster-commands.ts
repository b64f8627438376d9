import type { BrokerSink, ClusterCommand } from '@herald/server';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import type { NodeRegistry } from './node-registry.js';

/** A command on the wire, with the node that sent it (which runs it itself, not from NATS). */
interface CommandMessage {
  from: string;
  command: ClusterCommand;
}

/** A node's reply; an empty body instead says its `execute` failed. */
interface Reply {
  answer: unknown;
}

const encoder = new TextEncoder();

/** `command` as sent by `from`, a node or a publisher (which sends it without a reply subject). */
export function encodeCommand(from: string, command: ClusterCommand): string {
  const message: CommandMessage = { from, command };
  return JSON.stringify(message);
}

/**
 * Cluster commands as request/reply on one subject every node listens on. The sender counts
 * the other live nodes in the registry and stops gathering replies once that many arrived, or at
 * the timeout. A command without a reply subject (from a publisher) is run and not answered.
 */
export class ClusterCommands {
  private subscription: Subscription | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly subject: string,
    private readonly nodeId: string,
    private readonly registry: NodeRegistry,
    private readonly sink: BrokerSink,
  ) {}

  listen(): void {
    this.subscription = this.nc.subscribe(this.subject, {
      callback: (error, msg) => {
        if (!error) this.answer(msg);
      },
    });
  }

  /** Runs `command` here and on every other live node that answers within `timeout` ms. */
  async run(command: ClusterCommand, timeout: number, reachable: boolean): Promise<unknown[]> {
    const [local, remote] = await Promise.all([
      this.sink.execute(command),
      reachable ? this.gather(command, timeout) : [],
    ]);
    return [local, ...remote];
  }

  stop(): void {
    this.subscription?.unsubscribe();
  }

  private answer(msg: Msg): void {
    let message: CommandMessage;
    try {
      message = msg.json<CommandMessage>();
    } catch {
      return; // not one of ours
    }
    const { from, command } = message;
    if (from === this.nodeId) return;
    // `respond` does nothing for a command sent without a reply subject (by a publisher).
    this.sink.execute(command).then(
      (answer) => {
        const reply: Reply = { answer };
        msg.respond(encoder.encode(JSON.stringify(reply)));
      },
      () => msg.respond(),
    );
  }

  private async gather(command: ClusterCommand, timeout: number): Promise<unknown[]> {
    const started = Date.now();
    const answers: unknown[] = [];
    try {
      const expected = await this.registry.others();
      const maxWait = timeout - (Date.now() - started);
      if (expected === 0 || maxWait <= 0) return answers;
      const replies = await this.nc.requestMany(this.subject, encodeCommand(this.nodeId, command), {
        strategy: 'count',
        maxMessages: expected,
        maxWait,
      });
      for await (const reply of replies) {
        if (reply.data.length > 0) answers.push(reply.json<Reply>().answer);
      }
    } catch {
      // NATS went away or nobody else listens: the answers gathered so far are all there is.
    }
    return answers;
  }
}
