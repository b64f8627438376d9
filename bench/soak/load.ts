import { HeraldClient, type Subscription } from '@herald/client';

/** How much the soak asks of the gateway, every second, for as long as it runs. */
export interface LoadShape {
  /** Clients that stay connected, each subscribed to one room. */
  steady: number;
  rooms: number;
  /** Clients that connect, subscribe and leave again, per second. */
  churnPerSecond: number;
  /** Publications per second, by steady clients, each to its room's subscribers. */
  publishesPerSecond: number;
  /** History reads and presence reads per second, each. */
  readsPerSecond: number;
}

export interface LoadCounts {
  connects: number;
  disconnects: number;
  published: number;
  delivered: number;
  historyReads: number;
  presenceReads: number;
  /** Requests that failed: the soak fails when any did. */
  errors: string[];
}

interface Member {
  client: HeraldClient;
  room: Subscription;
  /** Closed by the churn: what it still had under way fails, through no fault of the gateway. */
  leaving: boolean;
}

/** A steady mixed load on one namespace, driven by timers in this process. */
export class SoakLoad {
  readonly counts: LoadCounts = {
    connects: 0,
    disconnects: 0,
    published: 0,
    delivered: 0,
    historyReads: 0,
    presenceReads: 0,
    errors: [],
  };
  private readonly members: Member[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly pending = new Set<Promise<unknown>>();
  private turn = 0;

  constructor(
    private readonly url: string,
    private readonly shape: LoadShape,
  ) {}

  async start(): Promise<void> {
    for (let i = 0; i < this.shape.steady; i++) this.members.push(await this.join(i));
    this.every(1_000 / this.shape.churnPerSecond, () => this.churn());
    this.every(1_000 / this.shape.publishesPerSecond, () => this.publish());
    this.every(1_000 / this.shape.readsPerSecond, () => this.read());
  }

  async stop(): Promise<LoadCounts> {
    for (const timer of this.timers) clearInterval(timer);
    await Promise.allSettled(this.pending);
    for (const member of this.members) member.client.close();
    return this.counts;
  }

  private every(ms: number, work: () => Promise<unknown>): void {
    this.timers.push(
      setInterval(() => {
        const running = work().catch((error: unknown) => this.failed(error));
        this.pending.add(running);
        void running.finally(() => this.pending.delete(running));
      }, ms),
    );
  }

  private async join(n: number): Promise<Member> {
    const client = new HeraldClient(this.url);
    const room = client.subscribe<{ n: number }>(
      `room:${n % this.shape.rooms}`,
      { publication: () => void (this.counts.delivered += 1) },
      { info: { n } },
    );
    await room.ready;
    this.counts.connects += 1;
    return { client, room, leaving: false };
  }

  /** One client leaves and another takes its place, so that connections come and go. */
  private async churn(): Promise<void> {
    const index = this.turn++ % this.members.length;
    const leaving = this.members[index]!;
    this.members[index] = await this.join(this.turn);
    leaving.leaving = true;
    leaving.client.close();
    this.counts.disconnects += 1;
  }

  private publish(): Promise<void> {
    return this.asMember(async (member) => {
      await member.room.publish('say', { n: this.counts.published, text: 'x'.repeat(100) });
      this.counts.published += 1;
    });
  }

  private read(): Promise<void> {
    return this.asMember(async (member) => {
      await member.room.history({ limit: 20 });
      this.counts.historyReads += 1;
      await member.room.presence();
      this.counts.presenceReads += 1;
    });
  }

  /** Runs `work` as a random member; a failure counts unless the churn closed that member. */
  private async asMember(work: (member: Member) => Promise<void>): Promise<void> {
    const member = this.pick();
    try {
      await work(member);
    } catch (error) {
      if (!member.leaving) throw error;
    }
  }

  private pick(): Member {
    return this.members[Math.floor(Math.random() * this.members.length)]!;
  }

  private failed(error: unknown): void {
    // Keep the first few: one failure fails the run, a flood says nothing more.
    if (this.counts.errors.length < 20) this.counts.errors.push(String(error));
  }
}
