import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { controllerMetadata, Event, Socket, Subscribe, type Connection } from '@herald/server';

class Store {
  readonly kind = 'store';
}
class Clock {
  readonly kind = 'clock';
}

const message = z.object({ text: z.string() });
const sent = z.object({ delivered: z.boolean() });

/**
 * The decorators' types check a controller against what it declares. `npx tsc -p tsconfig.json`
 * (part of the test command) type-checks this file: each `@ts-expect-error` fails it unless the
 * line below it is an error.
 */
describe('decorator types', () => {
  it('accept a controller that matches its tokens, schemas and replies', () => {
    @Socket('/typed', { inject: [Store, Clock] })
    class Typed {
      constructor(
        readonly store: Store,
        readonly clock: Clock,
      ) {}

      @Event('message.send', { schema: message, reply: sent })
      send(conn: Connection, { text }: { text: string }) {
        return { delivered: text.length > 0 };
      }

      @Subscribe('room:{room}')
      join(conn: Connection, channel: string, params: Record<string, string>) {
        return params.room !== 'staff';
      }
    }
    expect(controllerMetadata(Typed).inject).toEqual([Store, Clock]);
    expect(controllerMetadata(Typed).events.map((event) => event.name)).toEqual(['message.send']);
  });

  it('refuse constructor parameters that the inject tokens do not give', () => {
    // @ts-expect-error: the constructor takes a Store, inject gives a Clock
    @Socket('/wrong-token', { inject: [Clock] })
    class WrongToken {
      constructor(readonly store: Store) {}
    }
    // @ts-expect-error: the constructor takes a Store, nothing is injected
    @Socket('/no-token')
    class NoToken {
      constructor(readonly store: Store) {}
    }
    expect([WrongToken, NoToken].map((c) => controllerMetadata(c).path)).toEqual([
      '/wrong-token',
      '/no-token',
    ]);
  });

  it('refuse a payload parameter or a return value that the schemas do not allow', () => {
    @Socket('/wrong-types')
    class WrongTypes {
      // @ts-expect-error: the schema gives text as a string
      @Event('message.send', { schema: message })
      send(conn: Connection, payload: { text: number }) {
        return payload;
      }

      // @ts-expect-error: the reply schema wants delivered as a boolean
      @Event('message.other', { schema: message, reply: sent })
      other() {
        return { delivered: 'yes' };
      }

      // @ts-expect-error: the channel is a string
      @Subscribe('room:{room}')
      join(conn: Connection, channel: number) {
        return channel > 0;
      }
    }
    expect(controllerMetadata(WrongTypes).events).toHaveLength(2);
  });
});
