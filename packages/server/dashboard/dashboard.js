// The Herald dashboard: polls the HTTP API every second and renders what it answers; a 401
// pauses polling until a key is entered.
// Plain DOM, no framework; every value from the gateway is set as text, never as HTML.

const apiPath = document.querySelector('meta[name="herald-api"]').content;
const keyStorage = 'herald-api-key';
const $ = (id) => document.getElementById(id);

let previous;
let presenceChannel = '';
/** Set by a 401: polling stops until a key is entered, since it would only be refused again. */
let waitingForKey = false;

class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.code;
  }
}

async function api(path, body) {
  const headers = {};
  const key = sessionStorage.getItem(keyStorage);
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${apiPath}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json().catch(() => undefined);
  if (!response.ok) throw new ApiError(response.status, answer);
  return answer;
}

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

/** Replaces a table body's rows; `columns` is how many an empty-table notice spans. */
function fillRows(tbody, rows, columns, emptyText) {
  if (rows.length === 0) {
    const td = cell(emptyText, 'empty');
    td.colSpan = columns;
    rows = [row(td)];
  }
  tbody.replaceChildren(...rows);
}

function row(...cells) {
  const tr = document.createElement('tr');
  tr.append(...cells);
  return tr;
}

function showMessage(element, text, isError) {
  element.textContent = text;
  element.classList.toggle('error', isError);
}

function renderStats({ stats, health }, now) {
  $('active').textContent = stats.connections.active;
  $('total').textContent = stats.connections.total;
  $('peak').textContent = stats.connections.peak;
  $('health').textContent = health.status;
  // Rates come from two successive snapshots, so the first poll has none.
  if (previous) {
    const seconds = (now - previous.at) / 1000;
    const rate = (current, before) => Math.max(0, (current - before) / seconds).toFixed(1);
    $('rate-in').textContent = rate(stats.messages.in, previous.messages.in);
    $('rate-out').textContent = rate(stats.messages.out, previous.messages.out);
  }
  previous = { at: now, messages: stats.messages };
}

function renderConnections(connections) {
  const rows = connections.map((connection) => {
    const kick = document.createElement('button');
    kick.textContent = 'kick';
    kick.className = 'kick';
    kick.title = `close ${connection.id} with 4011`;
    kick.addEventListener('click', () => {
      kick.disabled = true;
      api('/disconnect', { connection: connection.id }).then(poll, (error) => {
        kick.disabled = false;
        showStatus(`kick failed: ${error.message}`, true);
      });
    });
    const actions = document.createElement('td');
    actions.append(kick);
    const tr = row(
      cell(connection.id),
      cell(connection.userId ?? '–'),
      cell(connection.namespace),
      cell(connection.channels.join(', ') || '–'),
      cell(connection.remoteAddress),
      actions,
    );
    tr.dataset.connection = connection.id;
    return tr;
  });
  fillRows($('connections'), rows, 6, 'no connections');
}

function renderChannels(channels) {
  const rows = channels.map(({ channel, subscribers }) => {
    const pick = document.createElement('button');
    pick.className = 'link';
    pick.textContent = channel;
    pick.title = 'show its presence';
    pick.addEventListener('click', () => selectPresence(channel));
    const name = document.createElement('td');
    name.append(pick);
    return row(name, cell(String(subscribers), 'count'));
  });
  fillRows($('channels'), rows, 2, 'no channel has subscribers');
}

async function renderPresence() {
  if (!presenceChannel) {
    showMessage($('presence-stats'), 'Choose a channel to see who is present.', false);
    fillRows($('presence'), [], 3, '–');
    return;
  }
  let answer;
  try {
    answer = await api(`/presence?channel=${encodeURIComponent(presenceChannel)}`);
  } catch (error) {
    // A 401 is the whole page's concern; a bad channel name only this panel's.
    if (error instanceof ApiError && error.status === 401) throw error;
    showMessage($('presence-stats'), error.message, true);
    fillRows($('presence'), [], 3, '–');
    return;
  }
  const { clients, stats } = answer;
  showMessage(
    $('presence-stats'),
    `${stats.connections} connections, ${stats.users} users in ${presenceChannel}`,
    false,
  );
  const rows = clients.map((client) =>
    row(
      cell(client.connectionId),
      cell(client.userId ?? '–'),
      cell(client.info === undefined ? '–' : JSON.stringify(client.info)),
    ),
  );
  fillRows($('presence'), rows, 3, 'nobody present (or the channel does not track presence)');
}

function selectPresence(channel) {
  presenceChannel = channel;
  document.forms['presence-form'].elements.channel.value = channel;
  document.forms['publish-form'].elements.channel.value ||= channel;
  void poll();
}

function showStatus(text, isError) {
  showMessage($('status'), text, isError);
}

/** A 401: without a key (`WS_AUTH_REQUIRED`) or with a wrong one (`WS_AUTH_FAILED`). */
function askForKey(error) {
  waitingForKey = true;
  const wrong = error.code === 'WS_AUTH_FAILED';
  if (wrong) sessionStorage.removeItem(keyStorage);
  const text = wrong
    ? 'Wrong API key: the API refused it. Enter the right key.'
    : error.code === 'WS_AUTH_REQUIRED'
      ? 'This API needs a key.'
      : error.message;
  showMessage($('key-message'), text, wrong);
  showStatus(wrong ? 'wrong API key: updates paused' : 'API key needed', true);
  $('key-panel').hidden = false;
  document.querySelector('main').classList.add('locked');
  const input = document.forms['key-form'].elements.key;
  input.value = '';
  input.focus();
}

let polling = false;

async function poll() {
  if (polling || waitingForKey) return;
  polling = true;
  try {
    const [stats, { connections }, { channels }] = await Promise.all([
      api('/stats'),
      api('/connections'),
      api('/channels'),
    ]);
    renderStats(stats, Date.now());
    renderConnections(connections);
    renderChannels(channels);
    await renderPresence();
    $('key-panel').hidden = true;
    document.querySelector('main').classList.remove('locked');
    showStatus(`updated ${new Date().toLocaleTimeString()}`, false);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      askForKey(error);
    } else {
      showStatus(`cannot reach the API: ${error.message}`, true);
    }
  } finally {
    polling = false;
  }
}

$('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(keyStorage, event.target.elements.key.value);
  waitingForKey = false;
  void poll();
});

$('presence-form').addEventListener('submit', (event) => {
  event.preventDefault();
  selectPresence(event.target.elements.channel.value.trim());
});

$('publish-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.target.elements;
  const result = $('publish-result');
  let payload;
  try {
    payload = form.payload.value.trim() === '' ? undefined : JSON.parse(form.payload.value);
  } catch {
    showMessage(result, 'the payload is not valid JSON', true);
    return;
  }
  const channel = form.channel.value.trim();
  api('/publish', { channel, event: form.event.value.trim(), payload }).then(
    () => showMessage(result, `published to ${channel}`, false),
    (error) => showMessage(result, error.message, true),
  );
});

void poll();
setInterval(poll, 1000);
