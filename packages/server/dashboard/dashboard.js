// The Herald dashboard: polls the HTTP API every second and renders what it answers; a 401
// pauses polling until a key is entered, since every request would be refused again.
// Plain DOM and ES modules, no framework, no build step.

import { api, apiKey, isUnauthorized } from './api.js';
import { addSample } from './charts.js';
import { refreshChannel, renderChannels, setUpChannelPanel } from './channel.js';
import { clusterSample, renderCluster } from './cluster.js';
import { refreshConnections, setUpConnectionsPanel } from './connections.js';
import { $, showMessage } from './dom.js';
import { setUpPublishPanel } from './publish.js';

const pollEvery = 1000;
/** Set by a 401: polling stops until a key is entered. */
let waitingForKey = false;
let polling = false;

function showStatus(text, isError) {
  showMessage($('status'), text, isError);
}

function unlock() {
  $('key-panel').hidden = true;
  document.querySelector('main').classList.remove('locked');
}

/** A 401: without a key (`WS_AUTH_REQUIRED`) or with a wrong one (`WS_AUTH_FAILED`). */
function askForKey(error) {
  waitingForKey = true;
  const wrong = error.code === 'WS_AUTH_FAILED';
  if (wrong) apiKey.forget();
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

async function poll() {
  if (polling || waitingForKey) return;
  polling = true;
  try {
    const [{ nodes }, { channels }] = await Promise.all([api('/info'), api('/channels')]);
    // Shown before the charts draw, so that they are measured at their real width.
    unlock();
    const sample = clusterSample(nodes, Date.now());
    renderCluster(nodes, sample);
    addSample(sample);
    renderChannels(channels);
    await Promise.all([refreshChannel(), refreshConnections()]);
    showStatus(`updated ${new Date().toLocaleTimeString()}`, false);
  } catch (error) {
    if (isUnauthorized(error)) {
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
  apiKey.set(event.target.elements.key.value);
  waitingForKey = false;
  void poll();
});

setUpChannelPanel(poll);
setUpConnectionsPanel(poll);
setUpPublishPanel();
void poll();
setInterval(poll, pollEvery);
