import type { Connection } from '@herald/server';
import { z } from 'zod';

/** Control characters and text-direction overrides: they would garble or disguise a name. */
const unsafeCharacters = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;

// No `:` in room names, so that `chat:<chat>:<room>` names one room of one chat, whatever the
// chat is called.
export const roomName = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[^\s$:][^\s:]*$/, 'must have no spaces or colons and not start with $');

/** What others see beside a user's messages; trimmed. */
export const displayName = z
  .string()
  .trim()
  .min(1, 'must not be blank')
  .max(32, 'must be at most 32 characters')
  .refine((name) => !unsafeCharacters.test(name), 'must not contain control characters');

/** A message's text, trimmed: whitespace alone is not a message. */
export const messageText = z
  .string()
  .trim()
  .min(1, 'must not be blank')
  .max(1000, 'must be at most 1000 characters');

export const joinPayload = z.object({ room: roomName, name: displayName.optional() });
export const leavePayload = z.object({ room: roomName });
export const messagePayload = z.object({ room: roomName, text: messageText });

/** Rooms of different chats (`/chat/a`, `/chat/b`) never mix: the channel includes the chat. */
export const channelOf = (conn: Connection, room: string): string =>
  `chat:${conn.params.chat}:${room}`;

/** True when `channel` is a room of the chat `conn` is connected to. */
export function isRoomOf(conn: Connection, channel: string): boolean {
  const { chat } = conn.params;
  if (chat === undefined) return false;
  const prefix = `chat:${chat}:`;
  return channel.startsWith(prefix) && roomName.safeParse(channel.slice(prefix.length)).success;
}
// What the chat sends: its events' payloads and its acks, so that generated clients are typed.
export const welcomeNotice = z.object({ msg: z.string() });
export const roomNotice = z.object({ room: z.string() });
export const chatMessage = z.object({
  from: z.string(),
  name: z.string().optional(),
  text: z.string(),
  room: z.string(),
});
export const joinReply = z.object({
  room: z.string(),
  channel: z.string(),
  from: z.string(),
  name: z.string().optional(),
});
export const sentReply = z.object({ delivered: z.boolean() });
