import { afterEach, describe, expect, it } from 'vitest';
import {
  ConfigError,
  createGateway,
  createToken,
  CurrentConnection,
  Event,
  Guard,
  OnConnect,
  perConnection,
  singleton,
  Socket,
  Subscribe,
  type Connection,
  type ControllerClass,
  type Gateway,
} from '../../src/index.js';
import { startGateway, type RunningGateway } from '../support/gateway-fixture.js';
import { stillServes } from '../support/probes.js';
import { TestClient } from '../support/test-client.js';

let gateway: Gateway;
afterEach(() => gateway.close());

class Database {}
class PresenceStore {}
class Session {}

/** Registers on a fresh gateway and returns the ConfigError's message. */
function refusal(setup: (gw: Gateway) => unknown): string {
  gateway = createGateway({ logLevel: 'silent' });
  try {
    setup(gateway);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

@Socket('/chat', { inject: [PresenceStore] })
class ChatSocket {
  constructor(readonly presence: PresenceStore) {}
}

describe('gateway.register refuses at once', () => {
  it('a token without a provider, naming the controller and the token', () => {
    expect(refusal((gw) => gw.register(ChatSocket))).toBe(
      'ChatSocket needs PresenceStore, which has no provider: add singleton(PresenceStore), ' +
        'perConnection(PresenceStore) or value(PresenceStore, ...) to gateway.provide(...) ' +
        'before gateway.register(ChatSocket)',
    );
    // Also one a provider needs.
    expect(
      refusal((gw) =>
        gw.provide(singleton(PresenceStore, { inject: [Database] })).register(ChatSocket),
      ),
    ).toMatch(/^ChatSocket needs PresenceStore, which needs Database, which has no provider: /);
  });

  it('a singleton that injects something per connection, however deep', () => {
    expect(
      refusal((gw) =>
        gw
          .provide(singleton(PresenceStore, { inject: [Session] }), perConnection(Session))
          .register(ChatSocket),
      ),
    ).toBe(
      'ChatSocket needs PresenceStore, which needs Session: PresenceStore is a singleton, ' +
        'shared by every connection, so it cannot inject Session, which is per connection',
    );
    const Settings = createToken<object>('Settings');
    expect(
      refusal((gw) =>
        gw
          .provide(
            singleton(PresenceStore, { inject: [Settings] }),
            singleton(Settings, { inject: [CurrentConnection], create: (conn) => ({ conn }) }),
          )
          .register(ChatSocket),
      ),
    ).toMatch(
      /: PresenceStore is a singleton, .* cannot inject Connection, which is per connection$/,
    );
  });

  it('a dependency cycle', () => {
    expect(
      refusal((gw) =>
        gw
          .provide(
            perConnection(PresenceStore, { inject: [Database] }),
            perConnection(Database, { inject: [PresenceStore] }),
          )
          .register(ChatSocket),
      ),
    ).toBe(
      'ChatSocket needs PresenceStore, which needs Database, which needs PresenceStore: ' +
        'a cycle; break it with a factory or a token',
    );
  });

  it('an event handled by two methods, naming the controller and both methods', () => {
    @Socket('/dup')
    class DupSocket {
      @Event('message.send')
      send() {}

      @Event('message.send')
      resend() {}
    }
    expect(refusal((gw) => gw.register(DupSocket))).toBe(
      "DupSocket: event 'message.send' is handled twice, by send and resend: give each its own name",
    );
  });

  it('@Guard on a method that is not an @Event', () => {
    @Socket('/guarded')
    class GuardedSocket {
      @Guard(() => true)
      helper() {}
    }
    expect(refusal((gw) => gw.register(GuardedSocket))).toBe(
      "GuardedSocket: helper has @Guard but no @Event: a method guard runs before an event's " +
        'handler (put handshake guards on the class)',
    );
  });

  it('bad path and channel patterns, a path already declared, bad options', () => {
    @Socket('chat')
    class NoSlash {}
    expect(refusal((gw) => gw.register(NoSlash))).toBe(
      "NoSlash: @Socket: namespace pattern 'chat' must start with '/'",
    );
    @Socket('/rooms')
    class BadChannel {
      @Subscribe('room:{id}:{id}')
      join() {}
    }
    expect(refusal((gw) => gw.register(BadChannel))).toBe(
      "BadChannel: join: channel pattern 'room:{id}:{id}' uses {id} twice",
    );
    @Socket('/taken')
    class Taken {}
    expect(refusal((gw) => gw.namespace('/taken') && gw.register(Taken))).toBe(
      "Taken: namespace '/taken' is already declared",
    );
    @Socket('/limits', { maxMessageSize: -1 })
    class BadOptions {}
    expect(refusal((gw) => gw.register(BadOptions))).toMatch(
      /^BadOptions: invalid options: @Socket\.maxMessageSize: /,
    );
  });

  it('what is not a controller or a provider', () => {
    class Plain {}
    expect(refusal((gw) => gw.register(Plain))).toBe(
      'Plain is not a controller: declare it with @Socket(path)',
    );
    expect(refusal((gw) => gw.register(undefined as unknown as ControllerClass))).toBe(
      'gateway.register takes classes declared with @Socket(path), not undefined',
    );
    expect(refusal((gw) => gw.provide(Database as never))).toBe(
      'gateway.provide takes providers made with singleton(), perConnection() or value(), ' +
        'not the class Database',
    );
    expect(refusal((gw) => gw.provide(singleton(Database), perConnection(Database)))).toBe(
      'Database is provided twice: give one provider per token',
    );
  });
});

describe('the decorators refuse at once', () => {
  it('@Socket twice on a class, and a method they cannot call by name', () => {
    expect(() => {
      @Socket('/a')
      @Socket('/b')
      class Twice {}
      return Twice;
    }).toThrow("Twice: @Socket is declared twice, with '/b' and '/a': keep one");
    expect(() => {
      class Hidden {
        @Event('peek')
        #peek() {}

        peek() {
          this.#peek();
        }
      }
      return Hidden;
    }).toThrow('@Event needs a public instance method with a string name, not #peek');
    expect(() => {
      class Shared {
        @OnConnect()
        static opened() {}
      }
      return Shared;
    }).toThrow('@OnConnect needs a public instance method with a string name, not opened');
  });
});

describe('a refused register', () => {
  let running: RunningGateway;
  afterEach(() => running.gateway.close());

  it('declares none of the controllers given with it, and the gateway serves on', async () => {
    @Socket('/fine')
    class FineSocket {
      @Event('echo')
      echo(_conn: Connection, payload: unknown) {
        return payload;
      }
    }
    let message = '';
    running = await startGateway((gw) => {
      try {
        gw.register(FineSocket, ChatSocket);
      } catch (error) {
        message = (error as Error).message;
      }
      // Nothing was declared: FineSocket can still be registered on its own.
      expect(gw.namespaces).toEqual([]);
      gw.register(FineSocket);
    });
    gateway = running.gateway;
    expect(message).toMatch(/^ChatSocket needs PresenceStore/);
    await stillServes(await TestClient.connect(running.url('/fine')));
  });
});
