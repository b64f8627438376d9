// The cluster from `GET /info`: totals and rates over every node, and one row per node.

import { $, cell, fillRows, row } from './dom.js';

/** Health from best to worst: the cluster shows its worst node's. */
const healthOrder = ['ok', 'degraded', 'closing'];

/** Each node's message counters at the previous answer, to compute rates from. */
let previous = new Map();

/**
 * Cluster totals at `now` (milliseconds): connections, and messages in and out per second since
 * the previous answer, summed over the nodes present in both (a node that restarted or left would
 * otherwise count as a drop). Rates are null for the first answer.
 */
export function clusterSample(nodes, now) {
  let connections = 0;
  let rateIn = null;
  let rateOut = null;
  const current = new Map();
  for (const { node, stats } of nodes) {
    connections += stats.connections.active;
    current.set(node, { at: now, in: stats.messages.in, out: stats.messages.out });
    const before = previous.get(node);
    if (before === undefined || now <= before.at) continue;
    const seconds = (now - before.at) / 1000;
    rateIn = (rateIn ?? 0) + Math.max(0, stats.messages.in - before.in) / seconds;
    rateOut = (rateOut ?? 0) + Math.max(0, stats.messages.out - before.out) / seconds;
  }
  previous = current;
  return { time: now / 1000, connections, rateIn, rateOut };
}

export function renderCluster(nodes, sample) {
  $('active').textContent = String(sample.connections);
  $('rate-in').textContent = sample.rateIn === null ? '–' : sample.rateIn.toFixed(1);
  $('rate-out').textContent = sample.rateOut === null ? '–' : sample.rateOut.toFixed(1);
  $('node-count').textContent = String(nodes.length);
  const worst = nodes
    .map(({ health }) => health.status)
    .reduce((a, b) => (healthOrder.indexOf(b) > healthOrder.indexOf(a) ? b : a), 'ok');
  $('health').textContent = nodes.length === 0 ? '–' : worst;
  $('health').classList.toggle('bad', worst !== 'ok');

  const rows = nodes.map(({ node, version, uptime, stats, health }) => {
    const tr = row(
      cell(node, 'id'),
      cell(version),
      cell(duration(uptime), 'count'),
      cell(String(stats.connections.active), 'count'),
      cell(String(stats.messages.in), 'count'),
      cell(String(stats.messages.out), 'count'),
      cell(health.status),
    );
    tr.dataset.node = node;
    return tr;
  });
  fillRows($('nodes'), rows, 'no node answered');
}

/** Milliseconds as `3d 4h`, `2h 05m`, `7m 12s` or `40s`. */
function duration(milliseconds) {
  const s = Math.floor(milliseconds / 1000);
  const [days, hours, minutes, seconds] = [
    Math.floor(s / 86400),
    Math.floor(s / 3600) % 24,
    Math.floor(s / 60) % 60,
    s % 60,
  ];
  const pad = (n) => String(n).padStart(2, '0');
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${pad(minutes)}m`;
  if (minutes > 0) return `${minutes}m ${pad(seconds)}s`;
  return `${seconds}s`;
}
