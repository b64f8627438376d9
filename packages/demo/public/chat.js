// The demo chat page: joins a room under a display name, then shows the room's recent history
// and its live messages, each with its time. Written against the client SDK; every value from
// the gateway is set as text, never as HTML.
import { HeraldClient } from '/herald-client.js';

const nameKey = 'herald-demo-name';
const historyLimit = 50;
const $ = (selector) => document.querySelector(selector);

/**
 * The room the page is in: its client, the `from` values of this page's connections (its own
 * messages), the room's subscription, the offsets already shown, and the live publications held
 * back until the history is shown (`held`, undefined once it is).
 */
let session;

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function setStatus(state, text = state) {
  $('#status').dataset.state = state;
  $('#status').textContent = text;
}

function setHint(text, isError = false) {
  $('#hint').textContent = text;
  $('#hint').classList.toggle('error', isError);
}

function setSending(enabled) {
  for (const control of document.querySelectorAll('#send input, #send button')) {
    control.disabled = !enabled;
  }
}

function append(item) {
  $('#log').append(item);
  item.scrollIntoView({ block: 'end' });
}

function notice(text, kind = 'system') {
  append(element('li', kind, text));
}

/** A refusal as one line: the gateway's message, then what each refused field needs. */
function describe(error) {
  const details = (error.details ?? []).map(
    ({ path, message }) => `${path.replace(/^payload\./, '')} ${message}`,
  );
  return details.length > 0 ? `${error.message} — ${details.join('; ')}` : error.message;
}

function timeOf(ts) {
  const at = new Date(ts);
  const today = at.toDateString() === new Date().toDateString();
  const shown = at.toLocaleString([], {
    ...(today ? {} : { month: 'short', day: 'numeric' }),
    hour: '2-digit',
    minute: '2-digit',
  });
  const time = element('time', '', shown);
  time.dateTime = at.toISOString();
  time.title = at.toLocaleString();
  return time;
}

/** The chat's own messages are `{from, name?, text}`; anything else published is shown as JSON. */
function isChatMessage(event, payload) {
  return (
    event === 'message.receive' &&
    typeof payload === 'object' &&
    payload !== null &&
    typeof payload.text === 'string' &&
    (typeof payload.name === 'string' || typeof payload.from === 'string')
  );
}

function messageItem({ event, payload, meta }, own) {
  const chat = isChatMessage(event, payload);
  const item = element('li', `message ${own ? 'own' : 'other'}${chat ? '' : ' raw'}`);
  const author = chat ? (payload.name ?? payload.from) : event;
  const byline = element('div', 'byline');
  byline.append(element('span', 'author', author), timeOf(meta.ts));
  const body = chat
    ? element('p', 'text', payload.text)
    : element('pre', 'text', JSON.stringify(payload) ?? '(no payload)');
  item.append(byline, body);
  return item;
}

/** Shows a publication once: history and live delivery may both bring it. */
function show(room, publication) {
  const { offset } = publication.meta;
  if (offset !== undefined) {
    if (room.shown.has(offset)) return;
    room.shown.add(offset);
  }
  append(messageItem(publication, room.own.has(publication.payload?.from)));
}

/** Subscribes to the joined room's channel: live messages with their times, then its history. */
async function openRoom(room, channel, userName) {
  room.subscription = room.client.subscribe(
    channel,
    {
      publication: (publication) =>
        room.held ? room.held.push(publication) : show(room, publication),
      subscribed: ({ resubscribed, recovered }) => {
        if (!resubscribed || recovered) return;
        room.shown.clear(); // a new stream: its offsets start again
        notice('Reconnected; messages sent meanwhile may be missing.');
      },
      error: (error) => notice(`${room.name}: ${describe(error)}`, 'error'),
    },
    { info: { name: userName } },
  );
  try {
    await room.subscription.ready;
    const { publications } = await room.subscription.history({
      limit: historyLimit,
      reverse: true,
    });
    for (const publication of publications.reverse()) show(room, publication);
  } catch (error) {
    // A room without history (WS_FORBIDDEN) just starts empty.
    if (error.code !== 'WS_FORBIDDEN') notice(`No history: ${describe(error)}`, 'error');
  }
  const held = room.held;
  room.held = undefined;
  for (const publication of held) show(room, publication);
}

/** Listeners of one room's client; those of a room the page has left do nothing. */
function whileCurrent(room, listener) {
  return (...args) => {
    if (session === room) return listener(...args);
  };
}

function enterRoom({ userName, chat, roomName }) {
  const client = new HeraldClient(`/chat/${encodeURIComponent(chat)}`);
  const room = { client, name: roomName, own: new Set(), shown: new Set(), held: [] };
  session = room;
  const on = (event, listener) => client.on(event, whileCurrent(room, listener));
  setStatus('connecting');
  on('connecting', () => setStatus('connecting'));
  on('reconnecting', ({ attempt, delay }) =>
    setStatus(
      'reconnecting',
      `reconnecting in ${(delay / 1000).toFixed(1)} s (attempt ${attempt})`,
    ),
  );
  on('disconnected', ({ code, reason, willReconnect }) => {
    setSending(false);
    if (!willReconnect)
      setStatus('disconnected', `disconnected (${[code, reason].join(' ').trim()})`);
  });
  on('connected', async () => {
    setStatus('connected');
    let joined;
    try {
      // Rooms are server-side: join again after every reconnect.
      joined = await client.request('room.join', { room: roomName, name: userName });
    } catch (error) {
      if (session !== room) return;
      session = undefined;
      client.close();
      setStatus('disconnected', 'not joined');
      notice(`Cannot join ${roomName}: ${describe(error)}`, 'error');
      return;
    }
    if (session !== room) return;
    room.own.add(joined.from);
    localStorage.setItem(nameKey, joined.name);
    if (!room.subscription) {
      await openRoom(room, joined.channel, joined.name);
      notice(`You joined ${roomName} as ${joined.name}`);
    }
    setSending(true);
  });
}

/** Leaves the current room, clears the log and enters the one the form names. */
function join() {
  const userName = $('#name').value.trim();
  if (!userName) {
    setHint('Choose a name to join.', true);
    $('#name').focus();
    return;
  }
  const previous = session;
  session = undefined;
  previous?.client.close();
  $('#log').replaceChildren();
  setSending(false);
  setHint('');
  enterRoom({ userName, chat: $('#chat').value.trim(), roomName: $('#room').value.trim() });
}

$('#join').addEventListener('submit', (event) => {
  event.preventDefault();
  join();
});

$('#send').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = $('#send input');
  const text = input.value.trim();
  input.value = '';
  if (!text) {
    setHint('Type a message first: spaces alone are not sent.', true);
    input.focus();
    return;
  }
  setHint('');
  try {
    await session.client.request('message.send', { room: session.name, text });
  } catch (error) {
    input.value ||= text;
    notice(`Not sent: ${describe(error)}`, 'error');
  }
});

$('#name').value = localStorage.getItem(nameKey) ?? '';
if ($('#name').value) join();
else {
  setStatus('disconnected', 'choose a name to join');
  notice('Choose the name others will see, then Join.');
  $('#name').focus();
}
