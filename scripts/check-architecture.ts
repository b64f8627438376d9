// `npm run lint:architecture`, part of `npm test`: the layer rules of .dependency-cruiser.mjs and
// the size limit of source files. Both always run, so one failing run names every violation.
import { join } from 'node:path';
import { MAX_LINES, oversizedSources } from './architecture/file-size.js';
import { layerReport } from './architecture/layer-rules.js';

const layers = await layerReport();
if (layers.errors > 0) console.error(layers.report);
else console.log('✔ layer rules: no violations');

const oversized = oversizedSources(join(import.meta.dirname, '..'));
if (oversized.length > 0) {
  console.error(`x source files over ${MAX_LINES} lines (split each along its concepts):`);
  for (const { file, lines } of oversized) console.error(`  ${file}: ${lines} lines`);
} else {
  console.log(`✔ file size: no source file over ${MAX_LINES} lines`);
}

if (layers.errors > 0 || oversized.length > 0) process.exitCode = 1;
