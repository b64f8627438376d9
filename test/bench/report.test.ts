import { describe, expect, it } from 'vitest';
import {
  chartFor,
  endMarker,
  replaceSection,
  startMarker,
  tableFor,
} from '../../bench/suite/report.js';
import { caseResult } from '../../bench/suite/result.js';

const fixture = caseResult(
  'burst',
  'fan-out fixture',
  { subscribers: 10 },
  [
    { key: 'cpuMicrosPerDelivery', label: 'server CPU / delivery', unit: 'µs' },
    { key: 'deliveriesPerSecond', label: 'delivery rate', unit: 'deliveries/s' },
  ],
  {
    herald: [{ cpuMicrosPerDelivery: 1, deliveriesPerSecond: 900 }],
    ws: [
      { cpuMicrosPerDelivery: 4, deliveriesPerSecond: 300 },
      { cpuMicrosPerDelivery: 8, deliveriesPerSecond: 100 },
      { cpuMicrosPerDelivery: 6, deliveriesPerSecond: 200 },
    ],
    socketio: [{ cpuMicrosPerDelivery: 5, deliveriesPerSecond: 450 }],
  },
);

describe('bench report', () => {
  it('takes medians per server and Herald ratios', () => {
    expect(fixture.servers.ws).toEqual({ cpuMicrosPerDelivery: 6, deliveriesPerSecond: 200 });
    expect(fixture.ratios.cpuMicrosPerDelivery).toEqual({
      heraldVsWs: 0.167,
      heraldVsSocketIo: 0.2,
    });
  });

  it('draws a well-formed SVG with one bar per server, its unit and values', () => {
    const svg = chartFor(fixture);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    // Every element is self-closed or closed: opening and closing tags balance.
    const opened = svg.match(/<(svg|text)\b/g)?.length;
    const closed = svg.match(/<\/(svg|text)>/g)?.length;
    expect(opened).toBe(closed);
    // One bar per server, plus the background rectangle.
    expect(svg.match(/<rect /g)).toHaveLength(4);
    for (const label of ['Herald', 'bare ws', 'Socket.IO', 'µs', '>6<', '>5<', '>1<']) {
      expect(svg).toContain(label);
    }
  });

  it('writes a table per case between the markers and touches nothing else', () => {
    const before = `# Title\n\nintro\n\n${startMarker}\nold numbers\n${endMarker}\n\nafter\n`;
    const after = replaceSection(before, tableFor(fixture));
    expect(after.startsWith(`# Title\n\nintro\n\n${startMarker}\n`)).toBe(true);
    expect(after.endsWith(`${endMarker}\n\nafter\n`)).toBe(true);
    expect(after).not.toContain('old numbers');
    expect(after).toContain('| Herald | 1 | 900 |');
    expect(after).toContain('| Herald / ws | 0.167× | 4.5× |');
    expect(after).toContain('| Herald / Socket.IO | 0.2× | 2× |');
  });

  it('lists variants after the servers, and the notes under the table', () => {
    const result = caseResult(
      'write-delay',
      'variant fixture',
      {},
      [{ key: 'cpuMicrosPerDelivery', label: 'server CPU / delivery', unit: 'µs' }],
      {
        herald: [{ cpuMicrosPerDelivery: 2 }],
        'Herald, writeDelay 0': [{ cpuMicrosPerDelivery: 3 }],
        ws: [{ cpuMicrosPerDelivery: 4 }],
      },
      ['Latency is measured on one machine.'],
    );
    const table = tableFor(result);
    expect(table.indexOf('| bare ws | 4 |')).toBeLessThan(
      table.indexOf('| Herald, writeDelay 0 | 3 |'),
    );
    expect(table).toContain('| Herald / ws | 0.5× |');
    expect(table).toContain('| Herald / Socket.IO | – |');
    expect(table.trimEnd().endsWith('- Latency is measured on one machine.')).toBe(true);
  });

  it('refuses a README without the markers', () => {
    expect(() => replaceSection('# no markers\n', 'x')).toThrow(/bench:start/);
  });
});
