// Renders bench/results/*.json (written by bench/*.bench.ts, see bench/lib/results.ts) into README.md between
// <!-- bench:start --> and <!-- bench:end -->, so the README shows the latest figures. Run by scripts/bench.sh.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const readmePath = path.join(root, 'README.md');
const resultsDir = path.join(root, 'bench', 'results');
const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

const fmt = (value) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
const cell = (text) => String(text).replace(/\|/g, '\\|');

function render(report) {
  const { machine } = report;
  const lines = [
    `### ${report.bench}`,
    '',
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
  return lines.join('\n');
}

const files = fs.existsSync(resultsDir) ? fs.readdirSync(resultsDir).filter((f) => f.endsWith('.json')).sort() : [];
const sections = files.map((file) => render(JSON.parse(fs.readFileSync(path.join(resultsDir, file), 'utf8'))));
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
