// The channels list, and one channel's presence and recent history: picked from the list or typed.

import { api, isNotFound, isUnauthorized, query } from './api.js';
import { $, cell, clearTable, clockTime, fillRows, jsonText, row, showMessage } from './dom.js';

const historyLimit = 20;
/** The channel shown: `{ channel, tenant }`, tenant '' for none; null until one is chosen. */
let selected = null;
/** Called when the selection changes, to show it without waiting for the next poll. */
let onSelect = () => {};

export function renderChannels(channels) {
  const rows = channels.map(({ channel, tenant, subscribers }) => {
    const pick = document.createElement('button');
    pick.className = 'link';
    pick.textContent = channel;
    pick.title = 'show its presence and history';
    pick.addEventListener('click', () => select(channel, tenant ?? ''));
    const name = document.createElement('td');
    name.append(pick);
    return row(name, cell(tenant ?? '–'), cell(String(subscribers), 'count'));
  });
  fillRows($('channels'), rows, 'no channel has subscribers');
}

function select(channel, tenant) {
  selected = channel === '' ? null : { channel, tenant };
  const form = document.forms['channel-form'].elements;
  form.channel.value = channel;
  form.tenant.value = tenant;
  const publish = document.forms['publish-form'].elements;
  if (publish.channel.value === '') {
    publish.channel.value = channel;
    publish.tenant.value = tenant;
  }
  onSelect();
}

/** Refreshes the selected channel's panels; a 401 is the page's concern and is thrown. */
export async function refreshChannel() {
  if (selected === null) {
    clearTable($('presence'), $('presence-stats'), 'Choose a channel to see who is present.');
    clearTable($('history'), $('history-stats'), 'Choose a channel to see its recent messages.');
    return;
  }
  const { channel, tenant } = selected;
  const [presence, history] = await Promise.allSettled([
    api(`/presence${query({ channel, tenant })}`),
    api(`/history${query({ channel, tenant, reverse: true, limit: historyLimit })}`),
  ]);
  for (const result of [presence, history]) {
    if (result.status === 'rejected' && isUnauthorized(result.reason)) throw result.reason;
  }
  // An answer for a channel no longer selected is dropped.
  if (selected?.channel !== channel || selected.tenant !== tenant) return;
  renderPresence(channel, presence);
  renderHistory(channel, history);
}

/**
 * Empties table `name` (`presence`, `history`) on a refusal: a 404 is the channel not keeping
 * what it lists (said as `notKept`), anything else an error.
 */
function showRefusal(name, reason, notKept) {
  const isError = !isNotFound(reason);
  clearTable($(name), $(`${name}-stats`), isError ? reason.message : notKept, isError);
}

function renderPresence(channel, result) {
  if (result.status === 'rejected') {
    showRefusal('presence', result.reason, `${channel} does not track presence`);
    return;
  }
  const { clients, stats } = result.value;
  showMessage(
    $('presence-stats'),
    `${stats.connections} connections, ${stats.users} users in ${channel}`,
    false,
  );
  const rows = clients.map((client) =>
    row(cell(client.connectionId, 'id'), cell(client.userId ?? '–'), cell(jsonText(client.info))),
  );
  fillRows($('presence'), rows, 'nobody present');
}

function renderHistory(channel, result) {
  if (result.status === 'rejected') {
    showRefusal('history', result.reason, `${channel} keeps no history`);
    return;
  }
  const { publications, offset } = result.value;
  showMessage(
    $('history-stats'),
    `newest first, up to ${historyLimit}; the channel is at offset ${offset}`,
    false,
  );
  const rows = publications.map((publication) =>
    row(
      cell(String(publication.offset), 'count'),
      cell(clockTime(publication.time), 'time'),
      cell(publication.event),
      cell(jsonText(publication.payload), 'payload'),
    ),
  );
  fillRows($('history'), rows, 'no message kept');
}

/** Wires the channel form; `refresh` shows a new selection at once. */
export function setUpChannelPanel(refresh) {
  onSelect = refresh;
  $('channel-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const form = event.target.elements;
    select(form.channel.value.trim(), form.tenant.value.trim());
  });
}
