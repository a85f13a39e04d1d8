// What a run produces: every scenario's result as JSON, one Markdown table of our numbers next
// to their anchors (with the ratio and the issue's target), and an SVG chart of latency
// percentiles per scenario.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoopDelay } from './lib/event-loop.js';
import type { Latency } from './lib/latency.js';

/** A target on the ratio ours/anchor, or on our value alone. */
export type Target =
  | { on: 'ratio'; atLeast: number }
  | { on: 'ratio'; atMost: number }
  | { on: 'value'; atMost: number };

export interface Row {
  measure: string;
  unit: string;
  ours: number;
  anchor?: { label: string; value: number };
  target?: Target;
  /** Our server's event-loop delay while this was measured. */
  eventLoop?: LoopDelay;
  note?: string;
}

export interface Series {
  label: string;
  rate?: number;
  /** e.g. sends/s, deliveries/s */
  rateUnit?: string;
  latency?: Latency;
  /** What the latency is of: ack, send→deliver, insert, resume. */
  latencyOf?: string;
}

export interface ScenarioResult {
  id: string;
  title: string;
  status: 'ok' | 'error' | 'left out';
  /** Why it errored or was left out. */
  reason?: string;
  rows: Row[];
  /** Every series measured (ours and anchors): its rate and latency percentiles (the chart). */
  series: Series[];
  /** Everything measured, raw. */
  details: Record<string, unknown>;
}

export interface RunInfo {
  command: string;
  startedAt: string;
  seconds: number;
  machine: string;
  quick: boolean;
}

const ratioOf = (row: Row) =>
  row.anchor && row.anchor.value !== 0 ? row.ours / row.anchor.value : undefined;

function targetMet(row: Row): boolean | undefined {
  const { target } = row;
  if (!target) return undefined;
  if (target.on === 'value') return row.ours <= target.atMost;
  const ratio = ratioOf(row);
  if (ratio === undefined) return undefined;
  return 'atLeast' in target ? ratio >= target.atLeast : ratio <= target.atMost;
}

function describeTarget(target: Target | undefined, unit: string): string {
  if (!target) return '';
  if (target.on === 'value') return `≤ ${target.atMost} ${unit}`;
  return 'atLeast' in target ? `≥ ${target.atLeast}×` : `≤ ${target.atMost}×`;
}

const number = (value: number) =>
  Math.abs(value) >= 100
    ? Math.round(value).toLocaleString('en-US')
    : value.toFixed(Math.abs(value) >= 10 ? 1 : 2);

const withUnit = (value: number, unit: string) => `${number(value)} ${unit}`;

export function markdownTable(results: ScenarioResult[]): string {
  const lines = [
    '| scenario | measure | this project | anchor (same run) | ratio | target | event loop p99 / max |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const result of results) {
    if (result.status === 'ok' && result.rows.length === 0) continue; // anchors: series table
    if (result.status !== 'ok') {
      lines.push(`| ${result.title} | ${result.status}: ${result.reason ?? ''} | | | | | |`);
      continue;
    }
    for (const row of result.rows) {
      const ratio = ratioOf(row);
      const met = targetMet(row);
      const cells = [
        result.title,
        row.measure + (row.note ? ` (${row.note})` : ''),
        withUnit(row.ours, row.unit),
        row.anchor ? `${row.anchor.label}: ${withUnit(row.anchor.value, row.unit)}` : '—',
        ratio === undefined ? '—' : `${ratio.toFixed(2)}×`,
        `${describeTarget(row.target, row.unit)}${met === undefined ? '' : met ? ' ✓' : ' ✗'}`,
        row.eventLoop ? `${number(row.eventLoop.p99)} / ${number(row.eventLoop.max)} ms` : '',
      ];
      lines.push(`| ${cells.join(' | ')} |`);
    }
  }
  return lines.join('\n');
}

/** Each series of each scenario: rate and latency percentiles. */
export function seriesTable(results: ScenarioResult[]): string {
  const lines = [
    '| scenario | series | rate | latency of | p50 | p90 | p99 | max |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const result of results) {
    for (const s of result.series) {
      const ms = (value: number | undefined) => (value === undefined ? '' : `${number(value)} ms`);
      lines.push(
        `| ${[
          result.title,
          s.label,
          s.rate === undefined ? '' : withUnit(s.rate, s.rateUnit ?? '/s'),
          s.latencyOf ?? '',
          ms(s.latency?.p50),
          ms(s.latency?.p90),
          ms(s.latency?.p99),
          ms(s.latency?.max),
        ].join(' | ')} |`,
      );
    }
  }
  return lines.join('\n');
}

const palette = ['#2563eb', '#f97316', '#16a34a', '#9333ea', '#dc2626', '#0891b2'];
const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Bars of p50/p90/p99/max per series on a log scale of milliseconds. */
export function latencyChart(title: string, all: Series[]): string {
  const series = all.filter((s): s is Series & { latency: Latency } => s.latency !== undefined);
  const width = 720;
  const height = 300;
  const left = 60;
  const top = 40;
  const bottom = 40;
  const plotWidth = width - left - 180;
  const plotHeight = height - top - bottom;
  const percentiles = ['p50', 'p90', 'p99', 'max'] as const;
  const values = series.flatMap((s) => percentiles.map((p) => s.latency[p]));
  const lowest = 10 ** Math.floor(Math.log10(Math.max(0.01, Math.min(...values))));
  const highest = 10 ** Math.ceil(Math.log10(Math.max(lowest * 10, ...values)));
  const y = (ms: number) =>
    Math.round(
      (top +
        plotHeight -
        (Math.log10(Math.max(ms, lowest) / lowest) / Math.log10(highest / lowest)) * plotHeight) *
        10,
    ) / 10;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${left}" y="22" font-size="14" font-weight="bold">${escapeXml(title)}: latency (ms, log scale)</text>`,
  ];
  for (let tick = lowest; tick <= highest; tick *= 10) {
    parts.push(
      `<line x1="${left}" x2="${left + plotWidth}" y1="${y(tick)}" y2="${y(tick)}" stroke="#ddd"/>`,
      `<text x="${left - 6}" y="${y(tick) + 4}" text-anchor="end">${tick >= 1 ? tick : tick.toFixed(2)}</text>`,
    );
  }
  const groupWidth = plotWidth / percentiles.length;
  const barWidth = Math.min(28, (groupWidth - 12) / Math.max(1, series.length));
  percentiles.forEach((p, g) => {
    const x0 = left + g * groupWidth + (groupWidth - barWidth * series.length) / 2;
    series.forEach((s, i) => {
      const value = s.latency[p];
      const x = x0 + i * barWidth;
      parts.push(
        `<rect x="${x}" y="${y(value)}" width="${barWidth - 2}" height="${top + plotHeight - y(value)}" fill="${palette[i % palette.length]}"><title>${escapeXml(`${s.label} ${p}: ${value} ms`)}</title></rect>`,
      );
    });
    parts.push(
      `<text x="${left + g * groupWidth + groupWidth / 2}" y="${height - bottom + 18}" text-anchor="middle">${p}</text>`,
    );
  });
  series.forEach((s, i) => {
    const ly = top + 10 + i * 18;
    parts.push(
      `<rect x="${left + plotWidth + 16}" y="${ly - 10}" width="12" height="12" fill="${palette[i % palette.length]}"/>`,
      `<text x="${left + plotWidth + 34}" y="${ly}">${escapeXml(s.label)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

/** Writes results.json, results.md and one SVG per scenario with latencies into `dir`. */
export function writeResults(dir: string, info: RunInfo, results: ScenarioResult[]): string {
  mkdirSync(dir, { recursive: true });
  const table = markdownTable(results);
  writeFileSync(join(dir, 'results.json'), JSON.stringify({ ...info, results }, null, 2) + '\n');
  const charts = results.filter((r) => r.series.some((s) => s.latency));
  for (const result of charts)
    writeFileSync(join(dir, `${result.id}.svg`), latencyChart(result.title, result.series));
  const markdown = [
    `# pnpm bench — ${info.quick ? 'quick run' : 'full run'}`,
    '',
    `\`${info.command}\` on ${info.machine}, ${info.startedAt} (${Math.round(info.seconds)} s).`,
    '',
    table,
    '',
    '## Every series measured',
    '',
    seriesTable(results),
    '',
    ...charts.map((r) => `![${r.title}](${r.id}.svg)`),
    '',
  ].join('\n');
  writeFileSync(join(dir, 'results.md'), markdown);
  return table;
}
