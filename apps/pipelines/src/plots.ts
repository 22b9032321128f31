import { createRequire } from 'node:module';
import type * as Echarts from 'echarts';
import type { FramePrediction } from './pipeline-types';

let charts: typeof Echarts | null = null;

/** echarts, loaded for the first plot: loading it takes about 0.17 s, which every `mer` command paid at start. */
function echarts(): typeof Echarts {
  charts ??= createRequire(__filename)('echarts') as typeof Echarts;
  return charts;
}

function render(option: Echarts.EChartsOption, width: number, height: number): string {
  const chart = echarts().init(null, null, { renderer: 'svg', ssr: true, width, height });
  chart.setOption({ animation: false, backgroundColor: '#ffffff', ...option });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

/** A point of a valence/arousal curve. */
export type VaPoint = Pick<FramePrediction, 'time' | 'valence' | 'arousal'>;

/** Valence and arousal over time (SVG), with the labels when given. */
export function vaTimelineSvg(frames: readonly VaPoint[], options: { title?: string; labels?: Float32Array } = {}): string {
  const series: Echarts.SeriesOption[] = [
    { name: 'valence', type: 'line', showSymbol: false, data: frames.map((f) => [f.time, f.valence]) },
    { name: 'arousal', type: 'line', showSymbol: false, data: frames.map((f) => [f.time, f.arousal]) },
  ];
  if (options.labels) {
    const l = options.labels;
    const at = (d: number) => frames.map((f, i) => [f.time, l[i * 2 + d] === -5 ? null : l[i * 2 + d]]);
    series.push({ name: 'valence (label)', type: 'line', showSymbol: false, lineStyle: { type: 'dashed' }, data: at(0) });
    series.push({ name: 'arousal (label)', type: 'line', showSymbol: false, lineStyle: { type: 'dashed' }, data: at(1) });
  }
  return render(
    {
      title: { text: options.title ?? 'valence / arousal over time', left: 'center', textStyle: { fontSize: 13 } },
      legend: { bottom: 0 },
      grid: { left: 50, right: 20, top: 40, bottom: 50 },
      xAxis: { type: 'value', name: 's', min: 0 },
      yAxis: { type: 'value', min: -1, max: 1 },
      series,
    },
    720,
    300,
  );
}

/** The frames on Russell's circumplex: valence (x) × arousal (y) in [−1, 1], coloured by time. */
export function circumplexSvg(frames: readonly VaPoint[], options: { title?: string } = {}): string {
  const circle = Array.from({ length: 73 }, (_, i) => [Math.cos((i * Math.PI) / 36), Math.sin((i * Math.PI) / 36)]);
  const last = frames.length ? frames[frames.length - 1].time : 1;
  return render(
    {
      title: { text: options.title ?? 'circumplex (valence × arousal)', left: 'center', textStyle: { fontSize: 13 } },
      grid: { left: 50, right: 30, top: 40, bottom: 40 },
      xAxis: { type: 'value', min: -1, max: 1, name: 'valence' },
      yAxis: { type: 'value', min: -1, max: 1, name: 'arousal' },
      visualMap: { show: false, seriesIndex: 1, dimension: 2, min: 0, max: last || 1, inRange: { color: ['#4575b4', '#fee090', '#d73027'] } },
      series: [
        { type: 'line', showSymbol: false, silent: true, lineStyle: { color: '#bbbbbb' }, data: circle },
        { type: 'scatter', symbolSize: 5, data: frames.map((f) => [f.valence, f.arousal, f.time]) },
      ],
    },
    400,
    400,
  );
}

/** Class probabilities as a bar chart (SVG). */
export function probabilitiesSvg(classes: readonly string[], probabilities: readonly number[], title = 'class probabilities'): string {
  return render(
    {
      title: { text: title, left: 'center', textStyle: { fontSize: 13 } },
      grid: { left: 50, right: 20, top: 40, bottom: 60 },
      xAxis: { type: 'category', data: [...classes], axisLabel: { rotate: 30 } },
      yAxis: { type: 'value', min: 0, max: 1 },
      series: [{ type: 'bar', data: [...probabilities] }],
    },
    560,
    300,
  );
}

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** A self-contained HTML report: title, notes, metric tables, and the SVG plots inline. */
export function htmlReport(title: string, sections: { heading: string; text?: string[]; table?: (string | number)[][]; svgs?: string[] }[]): string {
  const body = sections
    .map((s) => {
      const text = (s.text ?? []).map((t) => `<p>${escape(t)}</p>`).join('\n');
      const table = s.table
        ? `<table>${s.table.map((row, i) => `<tr>${row.map((c) => (i === 0 ? `<th>${escape(String(c))}</th>` : `<td>${escape(typeof c === 'number' ? c.toFixed(4) : c)}</td>`)).join('')}</tr>`).join('\n')}</table>`
        : '';
      return `<section><h2>${escape(s.heading)}</h2>${text}${table}${(s.svgs ?? []).map((svg) => `<div class="plot">${svg}</div>`).join('\n')}</section>`;
    })
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escape(title)}</title><style>body{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f3f3f3}.plot{display:inline-block;margin:8px}</style></head><body><h1>${escape(title)}</h1>\n${body}</body></html>\n`;
}

/** Class probabilities over time (one line per class), e.g. the shipped expression model's per frame. */
export function classTimelineSvg(times: readonly number[], classes: readonly string[], probabilities: readonly (readonly number[] | null)[], title = 'class probabilities over time'): string {
  return render(
    {
      title: { text: title, left: 'center', textStyle: { fontSize: 13 } },
      legend: { bottom: 0 },
      grid: { left: 50, right: 20, top: 40, bottom: 50 },
      xAxis: { type: 'value', name: 's', min: 0 },
      yAxis: { type: 'value', min: 0, max: 1 },
      series: classes.map((c, k) => ({ name: c, type: 'line', showSymbol: false, connectNulls: false, data: times.map((t, i) => [t, probabilities[i] ? probabilities[i]![k] : null]) })),
    },
    720,
    300,
  );
}
