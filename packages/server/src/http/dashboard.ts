import { readFileSync } from 'node:fs';
import { requestTarget } from '../admission/request-target.js';
import type { HttpHandler } from './http-handler.js';

const pageFile = new URL('../../dashboard/index.html', import.meta.url);
const scriptFile = new URL('../../dashboard/dashboard.js', import.meta.url);

export interface DashboardOptions {
  /** Where the HTTP API is mounted (`createHttpApi`'s `basePath`); default `/api`. */
  apiPath?: string;
}

let files: { page: string; script: string } | undefined;

/**
 * The dashboard as one HTML document, its script inlined, reading the API at `apiPath`. Serve it
 * from any route of the server that mounts `createHttpApi`; see docs/dashboard.md.
 */
export function dashboardHtml(options: DashboardOptions = {}): string {
  const { page, script } = (files ??= {
    page: readFileSync(pageFile, 'utf8'),
    script: readFileSync(scriptFile, 'utf8'),
  });
  const apiPath = escapeAttribute(options.apiPath ?? '/api');
  // Function replacements, so that `$` sequences in the path or the script stay as they are.
  return page
    .replace('<meta name="herald-api" content="/api" />', () => {
      return `<meta name="herald-api" content="${apiPath}" />`;
    })
    .replace('<script type="module" src="./dashboard.js"></script>', () => {
      return `<script type="module">\n${script}</script>`;
    });
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export interface DashboardHandlerOptions extends DashboardOptions {
  /** Where the page is served; default `/dashboard`. */
  path?: string;
}

/** Serves the dashboard page at `path` (GET and HEAD) and leaves every other request alone. */
export function dashboardHandler(options: DashboardHandlerOptions = {}): HttpHandler {
  const path = (options.path ?? '/dashboard').replace(/\/+$/, '') || '/';
  let page: string | undefined;
  return (req, res) => {
    if (requestTarget(req.url).pathname !== path) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end();
      return true;
    }
    page ??= dashboardHtml(options);
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : page);
    return true;
  };
}
