import { ConfigError, listenAddressFromEnv, ListenError } from '@herald/server';
import { startDemo, type DemoServer } from './demo-server.js';

/** Exit codes as `herald serve` has them (docs/demo.md): 2 bad variable, 4 cannot listen. */
function fail(message: string, exitCode: 2 | 4): never {
  process.stderr.write(`herald demo: ${message}\n`);
  process.exit(exitCode);
}

let address: ReturnType<typeof listenAddressFromEnv>;
try {
  address = listenAddressFromEnv(process.env);
} catch (error) {
  if (error instanceof ConfigError) fail(error.message, 2);
  throw error;
}
const { host = '0.0.0.0', port = 8080 } = address;
// An empty HERALD_API_KEY means none, like an unset one.
const apiKey = process.env.HERALD_API_KEY || undefined;

let demo: DemoServer;
try {
  demo = await startDemo(port, host, {}, { apiKey });
} catch (error) {
  if (error instanceof ListenError) fail(error.message, 4);
  throw error;
}
demo.gateway.logger.info(`Herald demo chat on http://localhost:${demo.port}/`);
demo.gateway.logger.info(`Herald dashboard on http://localhost:${demo.port}/dashboard`);
if (!apiKey) {
  demo.gateway.logger.warn(
    'the HTTP API at /api has no key: set HERALD_API_KEY before exposing it',
  );
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void demo.close().then(() => process.exit(0));
  });
}
