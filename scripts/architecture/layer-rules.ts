import { join } from 'node:path';
import { cruise, type ICruiseResult, type OutputType } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const repoRoot = join(import.meta.dirname, '..', '..');

/** Where to check: a tree with `packages/*\/src`, and the tsconfig that resolves its packages. */
export interface LayerTree {
  baseDir: string;
  tsConfig: string;
}

const repository: LayerTree = {
  baseDir: repoRoot,
  tsConfig: join(repoRoot, 'tsconfig.architecture.json'),
};

export type LayerViolation = ICruiseResult['summary']['violations'][number];

async function cruiseLayers(outputType: OutputType, { baseDir, tsConfig }: LayerTree) {
  const options = await extractDepcruiseOptions(join(repoRoot, '.dependency-cruiser.mjs'));
  const { output, exitCode } = await cruise(
    ['packages/*/src'],
    { ...options, baseDir, tsConfig: { fileName: tsConfig }, outputType },
    {},
    { tsConfig: extractTSConfig(tsConfig) },
  );
  return { output: String(output), exitCode };
}

/**
 * The rules of .dependency-cruiser.mjs checked on `tree`: one paragraph per violation naming the
 * rule, the files and why the rule exists. `errors` counts them (the CLI's exit code would wrap
 * at 256 and pass).
 */
export async function layerReport(tree = repository): Promise<{ report: string; errors: number }> {
  const { output, exitCode } = await cruiseLayers('err-long', tree);
  return { report: output, errors: exitCode };
}

/** The violations of the rules of .dependency-cruiser.mjs on `tree`. */
export async function layerViolations(tree = repository): Promise<LayerViolation[]> {
  const { output } = await cruiseLayers('json', tree);
  return (JSON.parse(output) as ICruiseResult).summary.violations;
}
