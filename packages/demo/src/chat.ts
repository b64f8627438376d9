import type { Connection, Gateway } from '@herald/server';
import { z } from 'zod';

const roomName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[^\s$]+$/, 'must have no spaces and not start with $');

const roomPayload = z.object({ room: roomName });
const messagePayload = z.object({ room: roomName, text: z.string().min(1).max(1000) });

/** Rooms of different chats (`/chat/a`, `/chat/b`) never mix: the channel includes the chat. */
const channelOf = (conn: Connection, room: string): string =>
  `chat:${conn.params.namespace}:${room}`;

/** The demo chat: `/chat/:namespace` with rooms, as described in the README. */
export function registerChat(gateway: Gateway): void {
  const chat = gateway.namespace('/chat/:namespace');

  chat.onConnect((conn) => {
    conn.send('system.welcome', { msg: `Welcome to ${conn.params.namespace}, ${conn.id}` });
  });

  chat.on('room.join', { schema: roomPayload }, async ({ room }, conn) => {
    await conn.join(channelOf(conn, room));
    conn.send('room.joined', { room });
    return { room };
  });

  chat.on('room.leave', { schema: roomPayload }, async ({ room }, conn) => {
    await conn.leave(channelOf(conn, room));
    conn.send('room.left', { room });
    return { room };
  });

  chat.on('message.send', { schema: messagePayload }, async ({ room, text }, conn) => {
    await gateway.publish(channelOf(conn, room), 'message.receive', {
      from: conn.identity.userId ?? conn.id,
      text,
      room,
    });
    return { delivered: true };
  });
}
