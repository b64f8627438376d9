#!/usr/bin/env node
import { Command } from 'commander';
import { BrokerUnavailableError } from './broker.js';
import { loadServeConfig, ServeConfigError } from './config.js';
import { serve } from './serve.js';

const program = new Command('herald').description('Herald real-time WebSocket gateway');

program
  .command('serve')
  .description('run a standalone gateway')
  .option('-c, --config <file>', 'JSON config file')
  .option('-p, --port <port>', 'port to listen on (overrides WS_PORT)')
  .option('-H, --host <host>', 'address to listen on (overrides WS_HOST)')
  .action(async (options: { config?: string; port?: string; host?: string }) => {
    const env = { ...process.env };
    if (options.port) env.WS_PORT = options.port;
    if (options.host) env.WS_HOST = options.host;
    await serve(await loadServeConfig(options.config, env));
  });

program.parseAsync().catch((error: unknown) => {
  const known =
    error instanceof ServeConfigError ||
    error instanceof BrokerUnavailableError ||
    (error as Error).name === 'ConfigError';
  process.stderr.write(`herald: ${known ? (error as Error).message : String(error)}\n`);
  process.exit(known ? 2 : 1);
});
