import { startDemo } from './demo-server.js';

// An empty HERALD_API_KEY means none, like an unset one.
const apiKey = process.env.HERALD_API_KEY || undefined;
const demo = await startDemo(
  Number(process.env.WS_PORT ?? 8080),
  process.env.WS_HOST ?? '0.0.0.0',
  {},
  { apiKey },
);
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
