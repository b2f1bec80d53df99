// Renders bench/results/*.json (written by bench/*.bench.ts; bench/lib/results.ts's shape gets the full table,
// any other shape its fields and rows) into README.md between
// <!-- bench:start --> and <!-- bench:end -->, so the README shows the latest figures. Run by scripts/bench.sh.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const readmePath = path.join(root, 'README.md');
const resultsDir = path.join(root, 'bench', 'results');
const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

const fmt = (value) => (Number.isInteger(value) ? String(value) : value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
const cell = (text) => String(text).replace(/\|/g, '\\|');

function isBenchReport(report) {
  return Array.isArray(report.rows) && report.rows.every((r) => typeof r.measure === 'string' && typeof r.value === 'number');
}

/** The shape of bench/lib/results.ts: measure, value, floor, ratio, target, result. */
function renderBenchReport(report) {
  const { machine } = report;
  const lines = [
    `${report.date.slice(0, 16).replace('T', ' ')} UTC, ${machine.cpus} cores, load average ${machine.loadAverage.map((l) => l.toFixed(1)).join(' ')}, Node.js ${machine.node}${machine.engine ? `, ${machine.engine}` : ''}`,
    '',
    '| measure | value | floor (same run) | ratio | target | result |',
    '| --- | ---: | --- | ---: | --- | --- |',
  ];
  for (const row of report.rows) {
    const floor = row.floor === undefined ? '-' : `${fmt(row.floor)} ${row.unit} (${row.floorLabel ?? 'floor'})`;
    const ratio = row.ratio === undefined ? '-' : `${row.ratio.toFixed(2)}x`;
    lines.push(`| ${cell(row.measure)} | ${fmt(row.value)} ${cell(row.unit)} | ${cell(floor)} | ${ratio} | ${cell(row.target)} | ${row.pass ? 'pass' : '**MISSED**'} |`);
  }
  return lines;
}

const scalar = (value) => value === null || ['string', 'number', 'boolean'].includes(typeof value);
const show = (value) => (typeof value === 'number' ? fmt(value) : typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value ?? ''));

/** Any other results file: its scalar fields as a line, its rows (an array, or an object of objects) as a table. */
function renderOther(report) {
  const lines = [];
  const top = Object.entries(report).filter(([key, value]) => scalar(value) && !['bench', 'benchmark'].includes(key));
  const nested = Object.entries(report).filter(([, value]) => value && typeof value === 'object');
  let rows;
  for (const [key, value] of nested) {
    if (rows) break;
    if (Array.isArray(value) && value.length > 0 && value.every((v) => v && typeof v === 'object')) rows = value;
    else if (!Array.isArray(value) && Object.values(value).length > 0 && Object.values(value).every((v) => v && typeof v === 'object' && !Array.isArray(v))) {
      rows = Object.entries(value).map(([name, v]) => ({ [key === 'rows' ? 'row' : key]: name, ...v }));
    }
  }
  const facts = [...top, ...nested.filter(([, value]) => !Array.isArray(value) && Object.values(value).every(scalar)).flatMap(([key, value]) => Object.entries(value).map(([k, v]) => [`${key}.${k}`, v]))];
  lines.push(facts.map(([key, value]) => `${key}: ${show(value)}`).join(', '));
  if (rows) {
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r).filter((k) => scalar(r[k]))))];
    lines.push('', `| ${columns.map(cell).join(' | ')} |`, `| ${columns.map(() => '---').join(' | ')} |`);
    for (const row of rows) lines.push(`| ${columns.map((c) => cell(show(row[c]))).join(' | ')} |`);
  }
  return lines;
}

function render(name, report) {
  return [`### ${report.bench ?? report.benchmark ?? name}`, '', ...(isBenchReport(report) ? renderBenchReport(report) : renderOther(report))].join('\n');
}

const files = fs.existsSync(resultsDir) ? fs.readdirSync(resultsDir).filter((f) => f.endsWith('.json')).sort() : [];
const sections = files.map((file) => render(path.basename(file, '.json'), JSON.parse(fs.readFileSync(path.join(resultsDir, file), 'utf8'))));
const body = sections.length > 0 ? sections.join('\n\n') : 'No figures yet: run `npm run bench`.';

const readme = fs.readFileSync(readmePath, 'utf8');
const start = readme.indexOf(START);
const end = readme.indexOf(END);
if (start < 0 || end < start) {
  console.error(`update-readme-bench: README.md has no ${START} ... ${END} markers`);
  process.exit(1);
}
fs.writeFileSync(readmePath, `${readme.slice(0, start + START.length)}\n${body}\n${readme.slice(end)}`);
console.log(`update-readme-bench: README.md shows ${files.length} result file(s)`);
