import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createGateway,
  dashboardHandler,
  type DashboardHandlerOptions,
  type Gateway,
} from '../src/index.js';
import { httpStatus } from './support/upgrade-status.js';

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

/** A gateway serving only the dashboard, on an ephemeral port; its base URL. */
async function serve(options?: DashboardHandlerOptions): Promise<{ base: string; port: number }> {
  gateway = createGateway({ logLevel: 'silent' });
  const { port } = await gateway.listen(0, '127.0.0.1', { handlers: [dashboardHandler(options)] });
  return { base: `http://127.0.0.1:${port}`, port };
}

describe('dashboardHandler', () => {
  it('serves the page at its path, with its own path and the API path written in', async () => {
    const { base } = await serve({ path: '/ops/', apiPath: '/admin/api' });
    for (const path of ['/ops', '/ops/']) {
      const response = await fetch(`${base}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      const page = await response.text();
      expect(page).toContain('<base href="/ops/" />');
      expect(page).toContain('<meta name="herald-api" content="/admin/api" />');
    }
  });

  it('serves its scripts, its styles and uPlot from node_modules below the path', async () => {
    const { base } = await serve();
    // The defaults: the page at /dashboard, calling the API at /api.
    const page = await (await fetch(`${base}/dashboard`)).text();
    expect(page).toContain('<base href="/dashboard/" />');
    expect(page).toContain('<meta name="herald-api" content="/api" />');
    const uplot = readFileSync(createRequire(import.meta.url).resolve('uplot/dist/uPlot.esm.js'));
    const script = await fetch(`${base}/dashboard/uplot.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(Buffer.from(await script.arrayBuffer()).equals(uplot)).toBe(true);
    const css = await fetch(`${base}/dashboard/uplot.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).toContain('.uplot');
    const main = await fetch(`${base}/dashboard/dashboard.js`);
    expect(await main.text()).toContain("from './charts.js'");
    expect((await fetch(`${base}/dashboard/dashboard.css`)).status).toBe(200);
  });

  it('answers 404 for any other name below its path, 405 for other methods, and leaves the rest alone', async () => {
    const { base, port } = await serve();
    expect(await httpStatus(port, '/dashboard/index.ts')).toBe(404);
    expect(await httpStatus(port, '/dashboard/../src/index.ts')).not.toBe(200);
    expect(await httpStatus(port, '/dashboard/%2e%2e%2fpackage.json')).toBe(404);
    expect(await httpStatus(port, '/dashboard/uplot.js/x')).toBe(404);
    expect((await fetch(`${base}/dashboard`, { method: 'POST' })).status).toBe(405);
    const head = await fetch(`${base}/dashboard/uplot.js`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    // Not its path: the gateway's own answer for plain HTTP.
    expect(await httpStatus(port, '/dashboards')).toBe(426);
    expect(await httpStatus(port, '/health')).toBe(200);
  });
});
