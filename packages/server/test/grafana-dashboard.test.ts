import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createGateway, metricsHandler } from '../src/index.js';
import { samples, scrape } from './support/prometheus.js';
import { TestClient } from './support/test-client.js';
import { upgradeStatus } from './support/upgrade-status.js';

interface Panel {
  title: string;
  targets?: { expr: string }[];
  panels?: Panel[];
}

const dashboard = JSON.parse(
  readFileSync(new URL('../../../deploy/grafana/herald.json', import.meta.url), 'utf8'),
) as { panels: Panel[] };

/**
 * The metric names a PromQL expression reads: what is left once variables, label matchers,
 * ranges, `by (…)` label lists, functions, keywords and numbers are taken out.
 */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/\$\{?\w+\}?/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  // A word followed by `(` is a function or an aggregation.
  return [...bare.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)]
    .filter((match) => match[2] === undefined)
    .map((match) => match[1] as string)
    .filter((word) => !['and', 'or', 'unless', 'offset', 'bool'].includes(word));
}

const panels = dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
const queries = panels.flatMap((panel) =>
  (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })),
);

const gateway = createGateway({ logLevel: 'silent' });
afterAll(() => gateway.close());

describe('the Grafana dashboard (deploy/grafana/herald.json)', () => {
  it('has panels with queries, each naming at least one metric', () => {
    expect(queries.length).toBeGreaterThan(15);
    for (const { panel, expr } of queries) {
      expect(metricNames(expr), `${panel}: ${expr}`).not.toEqual([]);
    }
  });

  it('reads only metrics that a gateway in use serves at /metrics', async () => {
    gateway.namespace('/chat').on('echo', (payload) => payload);
    const { port } = await gateway.listen(0, '127.0.0.1', { handlers: [metricsHandler(gateway)] });
    expect(await upgradeStatus(port, '/nowhere')).toBe(404);
    const client = await TestClient.connect(`ws://127.0.0.1:${port}/chat`);
    await client.request({ type: 'subscribe', channel: 'room' });
    expect(await client.request({ type: 'subscribe', channel: '$x' })).toMatchObject({
      type: 'error',
    });
    await client.request({ type: 'event', event: 'echo', payload: 1 });
    await gateway.publish('room', 'news', 1);
    await client.waitFor((frame) => frame.event === 'news');

    const served = new Set(samples((await scrape(port)).text).map((sample) => sample.name));
    const missing = queries.flatMap(({ panel, expr }) =>
      metricNames(expr)
        .filter((name) => !served.has(name))
        .map((name) => `${panel}: ${name}`),
    );
    expect(missing).toEqual([]);
    await client.close();
  });
});
