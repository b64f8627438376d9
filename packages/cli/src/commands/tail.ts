import type { Command } from 'commander';
import { HeraldClient, type HeraldError, type Publication } from '@herald/client';
import { serverUrl, withServerOptions, type ServerFlags } from '../admin/connection-options.js';
import { compactJson } from '../admin/output.js';
import { ApiError, CliError, ExitCode, ServerUnreachableError } from '../errors.js';

interface TailFlags extends ServerFlags {
  namespace: string;
  token?: string;
}

/**
 * `herald tail`: a WebSocket client of the gateway (the @herald/client SDK) subscribed to the
 * channel, printing each publication on its own line until Ctrl-C. It sees what any client of
 * that namespace would see, so it needs no API key; it reconnects and recovers like one.
 */
export function registerTailCommand(program: Command): void {
  withServerOptions(
    program
      .command('tail')
      .description('subscribe to a channel and print its publications as they arrive')
      .argument('<channel>', 'the channel')
      .option('--namespace <path>', 'the namespace to connect to', '/ws')
      .option('--token <jwt>', 'the token, for namespaces that need authentication'),
  ).action(async (channel: string, flags: TailFlags) => {
    await tail(channel, flags);
  });
}

async function tail(channel: string, flags: TailFlags): Promise<void> {
  const url = webSocketUrl(flags);
  const client = new HeraldClient(url, {
    autoConnect: false,
    ...(flags.token !== undefined && { token: flags.token }),
  });
  const subscription = client.subscribe(channel, {
    publication: (publication) =>
      process.stdout.write(`${publicationLine(publication, flags.json)}\n`),
  });
  try {
    await client.connect();
    await subscription.ready;
  } catch (error) {
    client.close();
    throw startFailure(error as HeraldError, url, flags.token !== undefined);
  }
  process.stderr.write(`herald: tailing ${channel} on ${url} (Ctrl-C to stop)\n`);

  await new Promise<void>((resolve, reject) => {
    const stop = () => {
      // Settled first: the close below reports a final `disconnected`, which is not a failure here.
      resolve();
      client.close();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    client.on('disconnected', ({ code, reason, willReconnect }) => {
      if (willReconnect) {
        process.stderr.write(`herald: disconnected (${code}), reconnecting\n`);
        return;
      }
      client.close();
      reject(
        new CliError(
          `the server closed the connection: ${code} ${reason}`.trim(),
          ExitCode.apiRefused,
        ),
      );
    });
    client.on('connected', () => process.stderr.write(`herald: reconnected, tailing ${channel}\n`));
    subscription.on('unsubscribed', ({ byServer }) => {
      if (!byServer) return;
      process.stderr.write(`herald: the server ended the subscription to ${channel}\n`);
      stop();
    });
  });
}

/** The namespace's WebSocket URL on the `--url` server: http becomes ws, https wss. */
function webSocketUrl(flags: TailFlags): string {
  const url = serverUrl(flags);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname =
    url.pathname.replace(/\/+$/, '') +
    (flags.namespace.startsWith('/') ? '' : '/') +
    flags.namespace;
  return url.href;
}

/** A refusal by the gateway keeps its code; a socket that never opened means nobody is there. */
function startFailure(error: HeraldError, url: string, withToken: boolean): CliError {
  if (error.code === 'WS_DISCONNECTED' || error.code === 'WS_TIMEOUT') {
    // A namespace that needs a token waits for one in-band; without it no session ever starts.
    const hint = withToken ? '' : ' (does the namespace need --token?)';
    return new ServerUnreachableError(
      `cannot reach the gateway at ${url}: ${error.message}${hint}`,
    );
  }
  return new ApiError(error.code, error.message);
}

function publicationLine(publication: Publication, json: boolean | undefined): string {
  const { channel, event, payload, meta } = publication;
  if (json) return JSON.stringify({ channel, event, payload, ...meta });
  const offset = meta.offset === undefined ? '' : ` #${meta.offset}`;
  return `${new Date(meta.ts).toISOString()} ${channel}${offset} ${event} ${compactJson(payload)}`.trimEnd();
}
