// Checked by `tsc` (see ../types.test.ts): each `@ts-expect-error` line must be a type error,
// or tsc reports the directive as unused and the test fails.
import { HeraldClient, type Publication } from '../../src/index.js';

interface Message {
  from: string;
  text: string;
}

interface ClientToServer {
  'message.send': (message: { text: string }) => { id: string };
  'typing.start': () => void;
}

interface ServerToClient {
  'message.receive': (message: Message) => void;
  'confirm.leave': (question: { room: string }) => boolean;
}

const client = new HeraldClient<ServerToClient, ClientToServer>('ws://localhost/chat/lobby', {
  autoConnect: false,
});

// ---- what compiles ----
client.emit('message.send', { text: 'hi' });
client.emit('typing.start');
const id: Promise<{ id: string }> = client.request('message.send', { text: 'hi' });
client.on('message.receive', (message) => message.text.toUpperCase());
client.on('confirm.leave', (question) => question.room.length > 0);
client.on('disconnected', ({ code, reason, willReconnect }) => [code, reason, willReconnect]);
client.on('reconnecting', ({ attempt, delay }) => attempt + delay);
client.subscribe<Message>('chat:general', {
  publication: (publication: Publication<Message>) => publication.payload.text,
});
async function iterate(): Promise<void> {
  for await (const e of client.events()) {
    if (e.event === 'message.receive') e.payload.text.toUpperCase();
  }
}

// ---- what does not ----
// @ts-expect-error an unknown client→server event
client.emit('message.delete', { text: 'hi' });
// @ts-expect-error a payload of the wrong shape
client.emit('message.send', { body: 'hi' });
// @ts-expect-error a payload of the wrong type
client.emit('message.send', { text: 42 });
// @ts-expect-error a missing payload
client.emit('message.send');
// @ts-expect-error a payload for an event that takes none
client.emit('typing.start', { now: true });
// @ts-expect-error the ack payload is { id: string }, not a string
const wrongAck: Promise<string> = client.request('message.send', { text: 'hi' });
// @ts-expect-error an unknown server→client event
client.on('message.removed', () => undefined);
// @ts-expect-error the listener reads a field the payload does not have
client.on('message.receive', (message) => message.body);
// @ts-expect-error the reply to a server request must be a boolean
client.on('confirm.leave', () => 'yes');
// @ts-expect-error lifecycle listeners are typed too
client.on('disconnected', (info: { code: string }) => info.code);
client.subscribe<Message>('chat:general', {
  // @ts-expect-error the publication payload is a Message
  publication: (publication) => publication.payload.body,
});

export { id, wrongAck, iterate };
