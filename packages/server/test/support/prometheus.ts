/** GETs `path` from a gateway over real HTTP; resolves with the status, content type and body. */
export async function scrape(
  port: number,
  path = '/metrics',
): Promise<{ status: number; type: string | null; text: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    text: await response.text(),
  };
}

/** The samples of Prometheus text: `name{labels} value`, comments left out. */
export function samples(
  text: string,
): Array<{ name: string; labels: Record<string, string>; value: number }> {
  const parsed = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key as string] = value as string;
    }
    parsed.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return parsed;
}

/**
 * The sum of the samples named `name` whose labels include `labels`; undefined when there is none
 * (a metric without a sample for those labels).
 */
export function metric(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const matching = samples(text).filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  return matching.length === 0 ? undefined : matching.reduce((sum, s) => sum + s.value, 0);
}
