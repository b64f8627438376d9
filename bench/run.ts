/**
 * The benchmark suite: Herald, a bare `ws` server and Socket.IO side by side, each server in its
 * own process and the clients in others. Writes bench/results/<case>.json, the charts and the
 * README's tables.
 *
 *   npm run bench [-- <case> [--param value ...]]   every case, or one with its parameters
 *   npm run bench -- --list                          the cases and their defaults
 *   npm run bench:report                             charts + README from existing results
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cases, type Case } from './suite/cases.js';
import { writeReport } from './suite/report.js';

const caseNames = cases.map((c) => c.name);
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
const readme = fileURLToPath(new URL('../README.md', import.meta.url));

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

/** The case's defaults overridden by `--name value` flags, each a positive number. */
function parameters(benchCase: Case, args: string[]): Record<string, number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args,
      options: Object.fromEntries(
        Object.keys(benchCase.parameters).map((k) => [k, { type: 'string' as const }]),
      ),
    }).values;
  } catch (error) {
    fail(
      `${benchCase.name}: ${(error as Error).message}; parameters: ${Object.keys(benchCase.parameters).join(', ')}`,
    );
  }
  const result = { ...benchCase.parameters };
  for (const [key, raw] of Object.entries(values)) {
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0)
      fail(`${benchCase.name}: --${key} must be a positive number, got '${String(raw)}'`);
    result[key] = value;
  }
  return result;
}

const [first, ...rest] = process.argv.slice(2);
if (first === '--report') {
  await writeReport(resultsDir, readme, caseNames);
  process.exit(0);
}
if (first === '--list') {
  for (const c of cases) {
    const defaults = Object.entries(c.parameters).map(([k, v]) => `--${k} ${v}`);
    console.log(`${c.name}\t${c.description}\n\t${defaults.join(' ')}`);
  }
  process.exit(0);
}
if (first?.startsWith('-')) fail(`expected a case name or --list, got '${first}'`);
const selected = first === undefined ? cases : cases.filter((c) => c.name === first);
if (selected.length === 0) fail(`unknown case '${first}': ${cases.map((c) => c.name).join(', ')}`);

await mkdir(resultsDir, { recursive: true });
for (const benchCase of selected) {
  const p = parameters(benchCase, first === undefined ? [] : rest);
  console.log(`# ${benchCase.name}`, p);
  const result = await benchCase.run(p);
  await writeFile(`${resultsDir}${benchCase.name}.json`, `${JSON.stringify(result, null, 2)}\n`);
}
await writeReport(resultsDir, readme, caseNames);
