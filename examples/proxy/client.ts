/**
 * The client side of the proxy recipe (docs/proxy.md): connects to `/chat/lobby` as alice, joins
 * `room:lobby`, asks for an announcement (an event the Python backend answers by publishing
 * through Herald's server API), prints the announcement when it arrives, and exits.
 * Run: `node --import tsx examples/proxy/client.ts` (HERALD_URL: default http://127.0.0.1:8080).
 */
import { HeraldClient } from '@herald/client';

const base = process.env.HERALD_URL ?? 'http://127.0.0.1:8080';
const client = new HeraldClient(`${base}/chat/lobby`, { token: 'alice-token' });
await client.connect();
let announce: (payload: unknown) => void = () => undefined;
const announced = new Promise<unknown>((resolve) => (announce = resolve));
await client.subscribe('room:lobby', { publication: (p) => announce(p.payload) }).ready;
console.log('sum from the backend:', await client.request('add', { a: 2, b: 3 }));
await client.request('announce', { text: 'hello from the recipe' });
console.log('announcement:', JSON.stringify(await announced));
client.close();
