/** One reading of the gateway under soak, taken every sample interval. */
export interface SoakSample {
  /** Seconds since the load started. */
  at: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** Event-loop delay, p99, in seconds (prom-client's `nodejs_eventloop_lag_p99_seconds`). */
  loopDelayP99: number;
  /** Bytes queued for clients and not yet written (`herald_outbound_queue_bytes`). */
  queueBytes: number;
  connections: number;
}

type Series = Exclude<keyof SoakSample, 'at' | 'connections'>;

/** How much a series may grow over the measured span before it counts as a trend upward. */
interface Allowance {
  /** Growth as a share of the series' mean. */
  relative: number;
  /** And in the series' own unit: below this, growth is noise whatever its share. */
  absolute: number;
}

export const allowances: Record<Series, Allowance> = {
  rssBytes: { relative: 0.15, absolute: 24 * 1024 * 1024 },
  heapUsedBytes: { relative: 0.2, absolute: 12 * 1024 * 1024 },
  loopDelayP99: { relative: 0.5, absolute: 0.02 },
  queueBytes: { relative: 1, absolute: 1024 * 1024 },
};

export interface TrendVerdict {
  series: Series;
  /** Growth over the measured span, from a least-squares line through the samples. */
  growth: number;
  mean: number;
  upward: boolean;
}

/**
 * Judges every series after the warm-up (the first `warmup` share of the samples, at least one):
 * a least-squares line through the rest, whose rise over their span is the growth. A series
 * trends upward when that growth passes both its relative and its absolute allowance.
 */
export function judge(samples: SoakSample[], warmup = 0.2): TrendVerdict[] {
  const measured = samples.slice(Math.max(1, Math.floor(samples.length * warmup)));
  if (measured.length < 3)
    throw new Error(`a trend needs 3 samples after the warm-up, got ${measured.length}`);
  return (Object.keys(allowances) as Series[]).map((series) => {
    const points = measured.map((sample) => ({ x: sample.at, y: sample[series] }));
    const { slope, mean } = leastSquares(points);
    const span = (points.at(-1)?.x ?? 0) - (points[0]?.x ?? 0);
    const growth = slope * span;
    const allowance = allowances[series];
    const upward = growth > allowance.absolute && growth > allowance.relative * Math.abs(mean);
    return { series, growth, mean, upward };
  });
}

function leastSquares(points: { x: number; y: number }[]): { slope: number; mean: number } {
  const n = points.length;
  const meanX = points.reduce((sum, p) => sum + p.x, 0) / n;
  const mean = points.reduce((sum, p) => sum + p.y, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const { x, y } of points) {
    covariance += (x - meanX) * (y - mean);
    variance += (x - meanX) ** 2;
  }
  return { slope: variance === 0 ? 0 : covariance / variance, mean };
}
