// Run as a script (`node --import tsx give-up.ts <url> <token|-> <connectTimeout> <on|off>`, the
// last for reconnecting): a client that stops for good, because the gateway refused it or never
// answered, must settle everything and let the process exit.
import { HeraldClient, type ConnectionError } from '../../src/index.js';

const [url = '', token = '-', connectTimeout = '10000', reconnect = 'on'] = process.argv.slice(2);
const client = new HeraldClient(url, {
  token: token === '-' ? undefined : token,
  connectTimeout: Number(connectTimeout),
  reconnect: reconnect === 'on' && { initialDelay: 10, maxDelay: 20 },
  heartbeat: { interval: 50, timeout: 50 },
});
const subscription = client.subscribe('news');
const request = client.request('echo', 'queued');
const outcomes = await Promise.allSettled([client.connect(), subscription.ready, request]);
// No close(): a client that stopped for good must hold no timer or socket open.
console.log(
  JSON.stringify(
    outcomes.map((outcome) => {
      if (outcome.status === 'fulfilled') return 'fulfilled';
      const { name, code, closeCode, willReconnect } = outcome.reason as ConnectionError;
      return { name, code, closeCode, willReconnect };
    }),
  ),
);
