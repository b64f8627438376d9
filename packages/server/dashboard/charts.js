// Charts of the cluster's connections and message rates over the last minutes, drawn with uPlot
// from the samples the page takes at each poll (kept here, in a rolling window).

import uPlot from './uplot.js';
import { $ } from './dom.js';

const windowSeconds = 5 * 60;
/** The time axis spans at least this much, so that the first samples read as seconds of a minute. */
const shortestSpan = 60;
const plotHeight = 170;
const colors = { connections: '#1d4ed8', in: '#059669', out: '#d97706' };

const samples = { time: [], connections: [], rateIn: [], rateOut: [] };
let charts;

const tickFormat = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const clockTick = (seconds) => tickFormat.format(seconds * 1000);

function chart(element, series) {
  const plot = new uPlot(
    {
      width: element.clientWidth || 300,
      height: plotHeight,
      scales: {
        x: { time: true, range: (_plot, min, max) => [Math.min(min, max - shortestSpan), max] },
        // From zero, so that a flat line reads as its value and not as noise around it.
        y: { range: (_plot, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
      },
      series: [{}, ...series.map(([label, stroke]) => ({ label, stroke, width: 1.5 }))],
      // One line per tick (uPlot's default adds the date on a second line, which collides when
      // narrow); a window of minutes needs no date.
      axes: [{ space: 80, size: 30, values: (_plot, ticks) => ticks.map(clockTick) }, { size: 50 }],
      // The numbers above show the current values; the legend names the lines.
      legend: { live: false },
    },
    [[], ...series.map(() => [])],
    element,
  );
  new ResizeObserver(() =>
    plot.setSize({ width: element.clientWidth, height: plotHeight }),
  ).observe(element);
  return { element, plot };
}

function createCharts() {
  return {
    connections: chart($('connections-chart'), [['connections', colors.connections]]),
    messages: chart($('messages-chart'), [
      ['in / s', colors.in],
      ['out / s', colors.out],
    ]),
  };
}

function show({ element, plot }, data) {
  plot.setData(data);
  // How many samples it draws, for whoever checks the page from outside.
  element.dataset.points = String(data[0].length);
}

/** Adds one sample (`clusterSample`'s) and redraws both charts over the last minutes. */
export function addSample(sample) {
  charts ??= createCharts();
  for (const name of Object.keys(samples)) samples[name].push(sample[name]);
  const oldest = samples.time.findIndex((time) => time >= sample.time - windowSeconds);
  if (oldest > 0) for (const name of Object.keys(samples)) samples[name].splice(0, oldest);
  show(charts.connections, [samples.time, samples.connections]);
  show(charts.messages, [samples.time, samples.rateIn, samples.rateOut]);
}
