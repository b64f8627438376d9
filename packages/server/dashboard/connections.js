// A user's connections on every node (`GET /connections?user=`), each with a kick button.

import { api, isUnauthorized, query } from './api.js';
import { $, cell, clearTable, clockTime, fillRows, row, showMessage } from './dom.js';

/** The user searched for; '' until one is. */
let user = '';
let refresh = () => {};

/** Refreshes the searched user's connections; a 401 is the page's concern and is thrown. */
export async function refreshConnections() {
  if (user === '') {
    clearTable($('connections'), $('user-stats'), 'Enter a user id to find their connections.');
    return;
  }
  const searched = user;
  let connections;
  try {
    ({ connections } = await api(`/connections${query({ user: searched })}`));
  } catch (error) {
    if (isUnauthorized(error)) throw error;
    clearTable($('connections'), $('user-stats'), error.message, true);
    return;
  }
  if (searched !== user) return;
  showMessage($('user-stats'), `${connections.length} connections of ${searched}`, false);
  fillRows($('connections'), connections.map(connectionRow), 'no connection');
}

function connectionRow(connection) {
  const kick = document.createElement('button');
  kick.textContent = 'kick';
  kick.className = 'kick';
  kick.title = `close ${connection.id} with 4011`;
  kick.addEventListener('click', () => {
    kick.disabled = true;
    api('/disconnect', { connection: connection.id }).then(refresh, (error) => {
      kick.disabled = false;
      showMessage($('user-stats'), `kick failed: ${error.message}`, true);
    });
  });
  const actions = document.createElement('td');
  actions.append(kick);
  const tr = row(
    cell(connection.id, 'id'),
    cell(connection.namespace),
    cell(connection.channels.join(', ') || '–'),
    cell(connection.remoteAddress),
    cell(clockTime(connection.connectedAt), 'time'),
    actions,
  );
  tr.dataset.connection = connection.id;
  return tr;
}

/** Wires the user form; `onChange` shows a new search (or the effect of a kick) at once. */
export function setUpConnectionsPanel(onChange) {
  refresh = onChange;
  $('user-form').addEventListener('submit', (event) => {
    event.preventDefault();
    user = event.target.elements.user.value.trim();
    refresh();
  });
}
