/** A small SVG bar chart: one bar per server, labelled with its value and the metric's unit. */
export interface Bar {
  label: string;
  value: number;
}

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const colours = ['#4c72b0', '#dd8452', '#55a868', '#c44e52'];

export function barChart(title: string, unit: string, bars: Bar[]): string {
  const width = 520;
  const height = 300;
  const left = 70;
  const bottom = 250;
  const top = 50;
  const max = Math.max(...bars.map((b) => b.value), 0) || 1;
  const slot = (width - left - 20) / bars.length;
  const barWidth = slot * 0.6;
  const parts = bars.map((bar, i) => {
    const h = ((bottom - top) * bar.value) / max;
    const x = left + i * slot + (slot - barWidth) / 2;
    const y = bottom - h;
    const mid = x + barWidth / 2;
    return [
      `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${h.toFixed(1)}" fill="${colours[i % colours.length]}"/>`,
      `<text x="${mid.toFixed(1)}" y="${(y - 6).toFixed(1)}" text-anchor="middle">${escape(String(bar.value))}</text>`,
      `<text x="${mid.toFixed(1)}" y="${bottom + 20}" text-anchor="middle">${escape(bar.label)}</text>`,
    ].join('');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="13">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escape(title)}</text>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}" stroke="black"/>`,
    `<line x1="${left}" y1="${bottom}" x2="${width - 20}" y2="${bottom}" stroke="black"/>`,
    `<text x="20" y="${(top + bottom) / 2}" text-anchor="middle" transform="rotate(-90 20 ${(top + bottom) / 2})">${escape(unit)}</text>`,
    `<text x="${left - 6}" y="${top + 4}" text-anchor="end">${escape(String(max))}</text>`,
    `<text x="${left - 6}" y="${bottom + 4}" text-anchor="end">0</text>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
