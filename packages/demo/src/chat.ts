import {
  Emits,
  Event,
  OnConnect,
  Socket,
  SocketController,
  type Connection,
  type Gateway,
} from '@herald/server';
import {
  channelOf,
  chatMessage,
  isRoomOf,
  joinPayload,
  joinReply,
  leavePayload,
  messagePayload,
  roomNotice,
  sentReply,
  welcomeNotice,
} from './chat-schema.js';

/** How many of a room's messages are kept, and for how long, for those who join later. */
const roomHistory = { size: 100, ttl: 24 * 3600_000 };

/** What this connection's messages carry as `from`: its user id when authenticated, else its id. */
const senderOf = (conn: Connection): string => conn.identity.userId ?? conn.id;

/** The display name given with the last `room.join`, if any. */
const nameOf = (conn: Connection): string | undefined =>
  typeof conn.state.name === 'string' ? conn.state.name : undefined;

/** The demo chat: `/chat/:chat` with rooms, as described in docs/demo.md. */
@Emits('system.welcome', welcomeNotice)
@Emits('room.joined', roomNotice)
@Emits('room.left', roomNotice)
@Emits('message.receive', chatMessage)
@Socket('/chat/:chat')
export class ChatSocket extends SocketController {
  @OnConnect()
  welcome(conn: Connection): void {
    conn.send('system.welcome', { msg: `Welcome to ${conn.params.chat}, ${conn.id}` });
  }

  @Event('room.join', { schema: joinPayload, reply: joinReply })
  async join(conn: Connection, { room, name }: { room: string; name?: string | undefined }) {
    if (name !== undefined) conn.state.name = name;
    const channel = channelOf(conn, room);
    const current = nameOf(conn);
    await conn.join(channel, current === undefined ? undefined : { name: current });
    conn.send('room.joined', { room });
    return { room, channel, from: senderOf(conn), ...(current !== undefined && { name: current }) };
  }

  @Event('room.leave', { schema: leavePayload, reply: roomNotice })
  async leave(conn: Connection, { room }: { room: string }) {
    await conn.leave(channelOf(conn, room));
    conn.send('room.left', { room });
    return { room };
  }

  @Event('message.send', { schema: messagePayload, reply: sentReply })
  async send(conn: Connection, { room, text }: { room: string; text: string }) {
    const name = nameOf(conn);
    await this.publish(channelOf(conn, room), 'message.receive', {
      from: senderOf(conn),
      ...(name !== undefined && { name }),
      text,
      room,
    });
    return { delivered: true };
  }
}

/** Registers the chat on `gateway`: its rooms' channel policy and its controller. */
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
  gateway.register(ChatSocket);
}
