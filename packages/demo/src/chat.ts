import type { Connection, Gateway } from '@herald/server';
import { channelOf, isRoomOf, joinPayload, leavePayload, messagePayload } from './chat-schema.js';

/** How many of a room's messages are kept, and for how long, for those who join later. */
const roomHistory = { size: 100, ttl: 24 * 3600_000 };

/** What this connection's messages carry as `from`: its user id when authenticated, else its id. */
const senderOf = (conn: Connection): string => conn.identity.userId ?? conn.id;

/** The display name given with the last `room.join`, if any. */
const nameOf = (conn: Connection): string | undefined =>
  typeof conn.state.name === 'string' ? conn.state.name : undefined;

/** The demo chat: `/chat/:chat` with rooms, as described in docs/demo.md. */
export function registerChat(gateway: Gateway): void {
  // Rooms track presence (the dashboard shows who is in one, by name) and keep recent messages,
  // which members may read and which a reconnecting page recovers. A client may subscribe to
  // the rooms of its own chat only.
  gateway.channel('chat:*', {
    subscribe: isRoomOf,
    presence: true,
    history: roomHistory,
    clientHistory: true,
  });

  const chat = gateway.namespace('/chat/:chat');

  chat.onConnect((conn) => {
    conn.send('system.welcome', { msg: `Welcome to ${conn.params.chat}, ${conn.id}` });
  });

  chat.on('room.join', { schema: joinPayload }, async ({ room, name }, conn) => {
    if (name !== undefined) conn.state.name = name;
    const channel = channelOf(conn, room);
    const current = nameOf(conn);
    await conn.join(channel, current === undefined ? undefined : { name: current });
    conn.send('room.joined', { room });
    return { room, channel, from: senderOf(conn), ...(current !== undefined && { name: current }) };
  });

  chat.on('room.leave', { schema: leavePayload }, async ({ room }, conn) => {
    await conn.leave(channelOf(conn, room));
    conn.send('room.left', { room });
    return { room };
  });

  chat.on('message.send', { schema: messagePayload }, async ({ room, text }, conn) => {
    const name = nameOf(conn);
    await gateway.publish(channelOf(conn, room), 'message.receive', {
      from: senderOf(conn),
      ...(name !== undefined && { name }),
      text,
      room,
    });
    return { delivered: true };
  });
}
