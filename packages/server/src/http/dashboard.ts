import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { requestTarget } from '../admission/request-target.js';
import type { HttpHandler } from './http-handler.js';

export interface DashboardHandlerOptions {
  /** Where the page is served: `{path}` (and `{path}/`) is the page, its files below it; default `/dashboard`. */
  path?: string;
  /** Where the HTTP API is mounted (`createHttpApi`'s `basePath`); default `/api`. */
  apiPath?: string;
}

interface StaticFile {
  body: Buffer;
  type: string;
}

const pageFolder = new URL('../../dashboard/', import.meta.url);
// uPlot has no `exports` map, so its dist files resolve by path from this package.
const fromHere = createRequire(import.meta.url);
const types: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};
const typeOf = (name: string) => types[name.slice(name.lastIndexOf('.') + 1)];

/**
 * The page's scripts and styles (the `.js` and `.css` files in packages/server/dashboard/) and
 * uPlot's, by the name the page asks for. Only these names are served: a request never becomes a
 * path on disk.
 */
function pageFiles(): Map<string, StaticFile> {
  const sources = new Map<string, string>([
    ['uplot.js', fromHere.resolve('uplot/dist/uPlot.esm.js')],
    ['uplot.css', fromHere.resolve('uplot/dist/uPlot.min.css')],
  ]);
  for (const name of readdirSync(pageFolder)) {
    if (typeOf(name) !== undefined) sources.set(name, new URL(name, pageFolder).pathname);
  }
  const files = new Map<string, StaticFile>();
  for (const [name, file] of sources) {
    files.set(name, { body: readFileSync(file), type: typeOf(name)! });
  }
  return files;
}

// The page loads only its own files and talks only to its own origin; values from the gateway are
// set as text, and this keeps anything that slipped through from running or calling out.
const headers = {
  'Cache-Control': 'no-cache',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    "connect-src 'self'; base-uri 'self'; form-action 'none'; frame-ancestors 'none'",
};

/**
 * Serves the dashboard: the page at `path` (and `path/`), its scripts and uPlot below it, reading
 * the API at `apiPath`. Mount it beside `createHttpApi`, e.g.
 * `gateway.listen(8080, '0.0.0.0', { handlers: [api, dashboardHandler()] })`; see docs/dashboard.md.
 */
export function dashboardHandler(options: DashboardHandlerOptions = {}): HttpHandler {
  const path = (options.path ?? '/dashboard').replace(/\/+$/, '');
  const apiPath = (options.apiPath ?? '/api').replace(/\/+$/, '');
  const files = pageFiles();
  const page = Buffer.from(pageHtml(path, apiPath));
  return (req, res) => {
    const { pathname } = requestTarget(req.url);
    let file: StaticFile | undefined;
    if (pathname === path || pathname === `${path}/`) {
      file = { body: page, type: 'text/html; charset=utf-8' };
    } else if (pathname.startsWith(`${path}/`)) {
      file = files.get(pathname.slice(path.length + 1));
    } else {
      return false;
    }
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
    } else if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    } else {
      res
        .writeHead(200, {
          ...headers,
          'Content-Type': file.type,
          'Content-Length': file.body.length,
        })
        .end(req.method === 'HEAD' ? undefined : file.body);
    }
    return true;
  };
}

/** index.html reading the API at `apiPath`, its relative URLs resolved below `path`. */
function pageHtml(path: string, apiPath: string): string {
  // Function replacements, so that `$` sequences in the paths stay as they are.
  return readFileSync(new URL('index.html', pageFolder), 'utf8')
    .replace('<base href="./" />', () => `<base href="${escapeAttribute(`${path}/`)}" />`)
    .replace('<meta name="herald-api" content="/api" />', () => {
      return `<meta name="herald-api" content="${escapeAttribute(apiPath)}" />`;
    });
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
