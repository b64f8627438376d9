import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '@herald/server';
import { launchChromium } from '../../../test/support/chromium.js';
import { buildBrowserBundle } from '../scripts/browser-bundle.js';

describe('browser bundle', () => {
  let bundle: string;
  let inputs: string[];

  beforeAll(async () => {
    const result = await buildBrowserBundle(false);
    bundle = result.outputFiles?.[0]?.text ?? '';
    inputs = Object.keys(result.metafile.inputs);
  });

  it('contains no Node built-in and no MessagePack library', () => {
    expect(bundle.length).toBeGreaterThan(1_000);
    expect(inputs.some((path) => path.includes('client/src/client.ts'))).toBe(true);
    expect(inputs.filter((path) => path.includes('@msgpack'))).toEqual([]);
    expect(bundle).not.toMatch(
      /from\s*["'](node:)?(events|net|tls|http|https|crypto|stream|zlib|buffer)["']/,
    );
  });

  describe('in headless Chromium against the gateway', () => {
    let gateway: Gateway;
    let web: Server;
    let gatewayPort: number;
    let pageUrl: string;

    beforeAll(async () => {
      gateway = createGateway({ logLevel: 'silent' });
      const ns = gateway.namespace('/chat/:room');
      ns.on('echo', async (payload) => payload);
      gatewayPort = (await gateway.listen(0, '127.0.0.1')).port;
      web = createServer((req, res) => {
        if (req.url === '/herald-client.js')
          res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
        else
          res
            .writeHead(200, { 'content-type': 'text/html' })
            .end('<!doctype html><title>herald</title>');
      });
      await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
      pageUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}/`;
    });

    afterAll(async () => {
      web?.close();
      await gateway?.close();
    });

    it('connects, requests, subscribes and receives a publication', async () => {
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        await page.goto(pageUrl);
        const publish = setInterval(() => void gateway.publish('news', 'item', { n: 1 }), 20);
        // Runs in the page as written: a module script that imports the bundle like an application.
        const script = `
          import { HeraldClient } from '/herald-client.js';
          const client = new HeraldClient('ws://127.0.0.1:${gatewayPort}/chat/lobby');
          await client.connect();
          const echo = await client.request('echo', { hello: 'browser' });
          const publication = await new Promise((resolve) => client.subscribe('news', { publication: resolve }));
          const protocol = client.protocol;
          client.close();
          window.heraldResult = { echo, publication, protocol, nativeWebSocket: typeof WebSocket };
        `;
        const result = await page
          .addScriptTag({ type: 'module', content: script })
          .then(() =>
            page.waitForFunction(() => (window as { heraldResult?: unknown }).heraldResult, null, {
              timeout: 10_000,
            }),
          )
          .then((handle) => handle.jsonValue())
          .finally(() => clearInterval(publish));
        expect(result).toMatchObject({
          echo: { hello: 'browser' },
          publication: { channel: 'news', event: 'item', payload: { n: 1 } },
          protocol: 'herald.v1.json',
          nativeWebSocket: 'function',
        });
      } finally {
        await browser.close();
      }
    });
  });
});
