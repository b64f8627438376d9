import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import { ApiClient } from './api-client.js';

/** The options every admin command takes: where the server is, the API key, `--json`. */
export interface ServerFlags {
  url: string;
  json?: boolean;
}

export interface ApiFlags extends ServerFlags {
  apiKey?: string;
  apiPath: string;
}

/** Adds `--url` and `--json` (commands that do not call the API, such as `tail`). */
export function withServerOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--url <url>', 'the Herald server')
        .env('HERALD_URL')
        .default('http://127.0.0.1:8080'),
    )
    .option('--json', 'print the JSON answer (one document, or one line per publication)');
}

/** Adds `--url`, `--json`, `--api-key` and `--api-path` (commands that call the API). */
export function withApiOptions(command: Command): Command {
  return withServerOptions(command)
    .addOption(new Option('--api-key <key>', 'the API key, or an admin JWT').env('HERALD_API_KEY'))
    .addOption(
      new Option('--api-path <path>', "the API's base path on the server")
        .env('HERALD_API_PATH')
        .default('/api'),
    );
}

/** The server URL, refused with a message naming `--url` unless it is http(s). */
export function serverUrl(flags: ServerFlags): URL {
  let url: URL;
  try {
    url = new URL(flags.url);
  } catch {
    throw new UsageError(`--url: must be an http:// or https:// URL, got "${flags.url}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--url: must be an http:// or https:// URL, got "${flags.url}"`);
  }
  return url;
}

/** The API client the flags describe; without a key there is nothing to call the API with. */
export function apiClient(flags: ApiFlags): ApiClient {
  const apiKey = flags.apiKey?.trim();
  if (!apiKey) throw new UsageError('--api-key or HERALD_API_KEY: the API key is required');
  if (!flags.apiPath.startsWith('/')) {
    throw new UsageError(`--api-path: must start with /, got "${flags.apiPath}"`);
  }
  return new ApiClient({
    url: serverUrl(flags).href.replace(/\/+$/, ''),
    path: flags.apiPath,
    apiKey,
  });
}
