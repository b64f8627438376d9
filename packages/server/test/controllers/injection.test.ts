import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createToken,
  CurrentConnection,
  Event,
  OnDisconnect,
  perConnection,
  singleton,
  Socket,
  value,
  type Connection,
} from '../../src/index.js';
import { startGateway, type RunningGateway } from '../support/gateway-fixture.js';
import { LineSink } from '../support/line-sink.js';
import { stillServes } from '../support/probes.js';
import { TestClient } from '../support/test-client.js';

let running: RunningGateway | undefined;
afterEach(async () => {
  await running?.gateway.close();
  running = undefined;
});

/** What was made and disposed, in order, across a test. */
let events: string[] = [];
let made = 0;

class Clock {
  readonly serial = ++made;
  dispose() {
    events.push(`dispose Clock#${this.serial}`);
  }
}

/** Per connection, ended through `Symbol.asyncDispose`, which takes a while: it must be awaited. */
class Session {
  readonly serial = ++made;
  constructor(
    readonly connection: Connection,
    readonly clock: Clock,
  ) {}
  async [Symbol.asyncDispose]() {
    await new Promise((resolve) => setTimeout(resolve, 30));
    events.push(`dispose Session#${this.serial} of ${this.connection.id}`);
  }
}

/** Per connection, ended through `Symbol.dispose`. */
class Scratch {
  readonly serial = ++made;
  [Symbol.dispose]() {
    events.push(`dispose Scratch#${this.serial}`);
  }
}

const Config = createToken<{ greeting: string; dispose(): void }>('Config');

@Socket('/app', { inject: [Clock, Session, Scratch, Config] })
class AppSocket {
  readonly serial = ++made;
  constructor(
    readonly clock: Clock,
    readonly session: Session,
    readonly scratch: Scratch,
    readonly config: { greeting: string },
  ) {}

  @Event('who')
  who(conn: Connection) {
    return {
      controller: this.serial,
      clock: this.clock.serial,
      session: this.session.serial,
      scratch: this.scratch.serial,
      sameConnection: this.session.connection === conn,
      sameClock: this.session.clock === this.clock,
      greeting: this.config.greeting,
    };
  }

  @Event('echo')
  echo(_conn: Connection, payload: unknown) {
    return payload;
  }

  @OnDisconnect()
  gone(conn: Connection) {
    events.push(`disconnect ${conn.id}`);
  }
}

const providers = () => [
  singleton(Clock),
  perConnection(Session, { inject: [CurrentConnection, Clock] }),
  perConnection(Scratch),
  // Made elsewhere: never disposed by the gateway.
  value(Config, { greeting: 'hi', dispose: () => events.push('dispose Config') }),
];

const start = (logger?: pino.Logger) =>
  startGateway((gw) => gw.provide(...providers()).register(AppSocket), logger ? { logger } : {});

interface Who {
  controller: number;
  clock: number;
  session: number;
  scratch: number;
  sameConnection: boolean;
  sameClock: boolean;
  greeting: string;
}

async function connect(gateway: RunningGateway) {
  const client = await TestClient.connect(gateway.url('/app'));
  const id = (
    (await client.waitFor((f) => f.event === 'connected')).payload as {
      connectionId: string;
    }
  ).connectionId;
  const who = (await client.request({ type: 'event', event: 'who' })).payload as Who;
  return { client, id, who };
}

/** The disposals one connection should get, after its @OnDisconnect. */
const disposalsOf = (id: string, who: Who) => [
  `disconnect ${id}`,
  `dispose Scratch#${who.scratch}`,
  `dispose Session#${who.session} of ${id}`,
];

describe('dependency injection', () => {
  it('shares a singleton, makes per-connection instances for each connection, resolves CurrentConnection', async () => {
    events = [];
    running = await start();
    const a = await connect(running);
    const b = await connect(running);
    expect(a.who).toMatchObject({ sameConnection: true, sameClock: true, greeting: 'hi' });
    expect(b.who).toMatchObject({ sameConnection: true, sameClock: true });
    expect(b.who.clock).toBe(a.who.clock);
    expect(b.who.session).not.toBe(a.who.session);
    expect(b.who.scratch).not.toBe(a.who.scratch);
    expect(b.who.controller).not.toBe(a.who.controller);
    // The same connection keeps its instances from one event to the next.
    expect((await a.client.request({ type: 'event', event: 'who' })).payload).toEqual(a.who);
  });

  it('disposes a connection’s instances after @OnDisconnect, however it ends', async () => {
    events = [];
    running = await start();
    const gateway = running.gateway;

    const clean = await connect(running);
    await clean.client.close();
    await expect.poll(() => events).toEqual(disposalsOf(clean.id, clean.who));

    events = [];
    const abrupt = await connect(running);
    abrupt.client.ws.terminate();
    await expect.poll(() => events).toEqual(disposalsOf(abrupt.id, abrupt.who));

    events = [];
    const kicked = await connect(running);
    expect(await gateway.disconnect({ connection: kicked.id })).toBe(1);
    expect((await kicked.client.closed).code).toBe(4011);
    await expect.poll(() => events).toEqual(disposalsOf(kicked.id, kicked.who));

    events = [];
    const shutdown = await connect(running);
    await gateway.close();
    // Everything was disposed before close resolved: the connection's, then the singleton.
    expect(events).toEqual([
      ...disposalsOf(shutdown.id, shutdown.who),
      `dispose Clock#${shutdown.who.clock}`,
    ]);
    expect(events).not.toContain('dispose Config');
    expect((await shutdown.client.closed).code).toBe(1001);
  });

  it('logs a dispose that fails, still disposes the rest and keeps serving', async () => {
    events = [];
    const sink = new LineSink();
    class Fragile {
      dispose() {
        throw new Error('disk on fire');
      }
    }
    @Socket('/fragile', { inject: [Fragile, Scratch] })
    class FragileSocket {
      constructor(
        readonly fragile: Fragile,
        readonly scratch: Scratch,
      ) {}

      @Event('echo')
      echo(_conn: Connection, payload: unknown) {
        return payload;
      }
    }
    running = await startGateway(
      (gw) => gw.provide(perConnection(Fragile), perConnection(Scratch)).register(FragileSocket),
      { logger: pino({ level: 'error' }, sink) },
    );
    const first = await TestClient.connect(running.url('/fragile'));
    await stillServes(first);
    await first.close();
    await expect.poll(() => events).toHaveLength(1);
    expect(events[0]).toMatch(/^dispose Scratch#\d+$/);
    await expect
      .poll(() => sink.records())
      .toContainEqual(
        expect.objectContaining({
          msg: 'Fragile failed to dispose',
          instance: 'Fragile',
          err: expect.objectContaining({ message: 'disk on fire' }),
        }),
      );
    const second = await TestClient.connect(running.url('/fragile'));
    await stillServes(second);
  });

  it('closes with 1011 and logs why when a provider cannot make its instance, and keeps serving', async () => {
    const sink = new LineSink();
    class Unmakeable {}
    class Awaited {}
    @Socket('/unmakeable', { inject: [Unmakeable] })
    class UnmakeableSocket {
      constructor(readonly unmakeable: Unmakeable) {}
    }
    @Socket('/awaited', { inject: [Awaited] })
    class AwaitedSocket {
      constructor(readonly awaited: Awaited) {}
    }
    @Socket('/fine')
    class FineSocket {
      @Event('echo')
      echo(_conn: Connection, payload: unknown) {
        return payload;
      }
    }
    running = await startGateway(
      (gw) =>
        gw
          .provide(
            perConnection(Unmakeable, () => {
              throw new Error('no database');
            }),
            singleton(Awaited, () => Promise.resolve(new Awaited()) as unknown as Awaited),
          )
          .register(UnmakeableSocket, AwaitedSocket, FineSocket),
      { logger: pino({ level: 'error' }, sink) },
    );
    for (const path of ['/unmakeable', '/awaited']) {
      const client = await TestClient.connect(running.url(path));
      expect((await client.closed).code).toBe(1011);
    }
    const errors = () =>
      sink.records().map((record) => (record.err as { message?: string })?.message);
    await expect.poll(errors).toContain('no database');
    await expect
      .poll(errors)
      .toContainEqual(
        expect.stringContaining(
          'the provider of Awaited returned a promise: create it synchronously',
        ),
      );
    await stillServes(await TestClient.connect(running.url('/fine')));
  });
});
