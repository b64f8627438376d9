import type { SoakSample } from './trend.js';

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

interface Panel {
  title: string;
  unit: string;
  value: (sample: SoakSample) => number;
}

const panels: Panel[] = [
  { title: 'RSS', unit: 'MB', value: (s) => s.rssBytes / 1024 / 1024 },
  { title: 'heap used', unit: 'MB', value: (s) => s.heapUsedBytes / 1024 / 1024 },
  { title: 'event-loop delay p99', unit: 'ms', value: (s) => s.loopDelayP99 * 1000 },
  { title: 'outbound queue', unit: 'KB', value: (s) => s.queueBytes / 1024 },
];

/** Four small line charts of a soak run's samples over time, one per series, in one SVG. */
export function soakChart(title: string, samples: SoakSample[]): string {
  const width = 760;
  const panelHeight = 170;
  const height = 40 + panels.length * panelHeight;
  const left = 80;
  const right = width - 20;
  const minutes = Math.max(...samples.map((s) => s.at), 1) / 60;
  const parts = panels.map((panel, index) => {
    const top = 50 + index * panelHeight;
    const bottom = top + panelHeight - 50;
    const values = samples.map(panel.value);
    const max = Math.max(...values, 0) * 1.1 || 1;
    const x = (at: number) => left + ((right - left) * at) / 60 / minutes;
    const y = (value: number) => bottom - ((bottom - top) * value) / max;
    const line = samples
      .map((s, i) => `${i === 0 ? 'M' : 'L'}${x(s.at).toFixed(1)},${y(values[i]!).toFixed(1)}`)
      .join(' ');
    return [
      `<text x="${left}" y="${top - 8}" font-weight="bold">${escape(`${panel.title} (${panel.unit})`)}</text>`,
      `<line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}" stroke="black"/>`,
      `<line x1="${left}" y1="${bottom}" x2="${right}" y2="${bottom}" stroke="black"/>`,
      `<text x="${left - 6}" y="${top + 4}" text-anchor="end">${max.toFixed(1)}</text>`,
      `<text x="${left - 6}" y="${bottom + 4}" text-anchor="end">0</text>`,
      `<text x="${right}" y="${bottom + 16}" text-anchor="end">${minutes.toFixed(1)} min</text>`,
      `<path d="${line}" fill="none" stroke="#4c72b0" stroke-width="2"/>`,
      ...samples.map(
        (s, i) =>
          `<circle cx="${x(s.at).toFixed(1)}" cy="${y(values[i]!).toFixed(1)}" r="2.5" fill="#4c72b0"/>`,
      ),
    ].join('\n');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escape(title)}</text>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
