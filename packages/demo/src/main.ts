import { startDemo } from './demo-server.js';

const demo = await startDemo(Number(process.env.WS_PORT ?? 8080), process.env.WS_HOST ?? '0.0.0.0');
demo.gateway.logger.info(`Herald demo chat on http://localhost:${demo.port}/`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void demo.close().then(() => process.exit(0));
  });
}
