// What every bench/*.bench.ts reports: rows of (measure, value, floor, ratio, target), printed as a table and
// written to bench/results/<name>.json, which scripts/update-readme-bench.mjs renders into the README.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface BenchRow {
  measure: string;
  value: number;
  unit: string;
  /** The floor measured in the same run, in the same unit (absent for absolute targets). */
  floor?: number;
  /** What the floor is, in a few words. */
  floorLabel?: string;
  /** value / floor. */
  ratio?: number;
  /** The target in words ("<= 1.3x floor", ">= 1000/s"). */
  target: string;
  pass: boolean;
  /** Extra figures worth keeping (p99, breakdowns). */
  details?: Record<string, number | string>;
}

export interface BenchReport {
  bench: string;
  date: string;
  machine: { cpus: number; loadAverage: number[]; node: string; engine?: string };
  rows: BenchRow[];
}

/** A row whose target is value <= factor * floor. */
export function ratioRow(measure: string, value: number, floor: number, floorLabel: string, factor: number, unit = 'ms', details?: BenchRow['details']): BenchRow {
  const ratio = value / floor;
  return { measure, value: round(value), unit, floor: round(floor), floorLabel, ratio: round(ratio), target: `<= ${factor}x floor`, pass: ratio <= factor, details };
}

/** A row whose target is value >= minimum. */
export function minimumRow(measure: string, value: number, minimum: number, unit: string, details?: BenchRow['details']): BenchRow {
  return { measure, value: round(value), unit, target: `>= ${minimum} ${unit}`, pass: value >= minimum, details };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function median(values: readonly number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

export function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

export function formatTable(rows: readonly BenchRow[]): string {
  const header = ['measure', 'value', 'floor', 'ratio', 'target', 'result'];
  const lines = rows.map((r) => [
    r.measure,
    `${fmt(r.value)} ${r.unit}`,
    r.floor === undefined ? '-' : `${fmt(r.floor)} ${r.unit} (${r.floorLabel ?? 'floor'})`,
    r.ratio === undefined ? '-' : `${r.ratio.toFixed(2)}x`,
    r.target,
    r.pass ? 'pass' : 'MISSED',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const render = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [render(header), render(widths.map((w) => '-'.repeat(w))), ...lines.map(render)].join('\n');
}

function fmt(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

/** Prints the table (and a MISSED line per missed target) and writes bench/results/<bench>.json. */
export function writeReport(bench: string, rows: BenchRow[], engine?: string): BenchReport {
  const report: BenchReport = {
    bench,
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, loadAverage: os.loadavg().map(round), node: process.version, engine },
    rows,
  };
  const dir = path.join(__dirname, '..', 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${bench}.json`), `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`\n${bench}\n${formatTable(rows)}\n`);
  for (const row of rows.filter((r) => !r.pass)) process.stdout.write(`MISSED: ${row.measure}: ${fmt(row.value)} ${row.unit}, target ${row.target}\n`);
  process.stdout.write(`written to ${path.relative(process.cwd(), path.join(dir, `${bench}.json`))}\n`);
  return report;
}
