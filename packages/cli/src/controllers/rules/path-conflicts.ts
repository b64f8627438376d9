import type { Manifest, ManifestProblem } from '@herald/server';

const segmentsOf = (path: string) => path.split('/').filter((segment) => segment !== '');
const isParam = (segment: string) => segment.startsWith(':');

/**
 * The request paths both patterns match, as a pattern (`/chat/lobby`, `/chat/:room`), or undefined
 * when there are none: the patterns have as many segments, and where both are literal they are
 * the same. Empty segments (a trailing or repeated `/`) are ignored, as the gateway ignores them.
 */
function sharedPath(a: string, b: string): string | undefined {
  const left = segmentsOf(a);
  const right = segmentsOf(b);
  if (left.length !== right.length) return undefined;
  const shared: string[] = [];
  for (const [index, one] of left.entries()) {
    const other = right[index] ?? '';
    if (!isParam(one) && !isParam(other) && one !== other) return undefined;
    // A literal on either side is what the path must hold there; where both are params, any
    // segment does, and the param says so better than a made-up literal would.
    shared.push(!isParam(one) ? one : !isParam(other) ? other : one);
  }
  return `/${shared.join('/')}`;
}

/**
 * Two controllers whose paths can match one request path (`/chat/:room` and `/chat/lobby`, or the
 * same path twice): which one a client reaches depends on the order they were registered in.
 */
export function pathConflicts(manifest: Manifest): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  manifest.namespaces.forEach((later, index) => {
    for (const earlier of manifest.namespaces.slice(0, index)) {
      const path = sharedPath(earlier.path, later.path);
      if (path === undefined) continue;
      problems.push({
        controller: later.controller,
        member: '@Socket',
        message:
          later.path === earlier.path
            ? `path ${later.path} is also ${earlier.controller}'s`
            : `path ${later.path} conflicts with ${earlier.controller}'s ${earlier.path}: both match ${path}`,
      });
    }
  });
  return problems;
}
