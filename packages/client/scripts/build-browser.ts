import { buildBrowserBundle, browserOutfile } from './browser-bundle.js';

await buildBrowserBundle(true);
console.log(`wrote ${browserOutfile}`);
