import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { WORKSPACE_ERROR_CODES } from './errors';
import type { Problem } from './problem';
import { isMap, isScalar, LineCounter, parseDocument, type Document, type ScalarTag, type CollectionTag, type YAMLMap, type YAMLSeq } from 'yaml';

/** A parsed YAML file that can say on which line any value sits. */
export interface YamlSource {
  value: unknown;
  /** The 1-based line of the key at `path` (or of the deepest part of it that exists; 1 if none). */
  lineOf(path: readonly (string | number)[]): number;
  errors: { line: number; message: string }[];
}

/** CloudFormation's short intrinsic tags, each turned into its long form ({ Ref: x }, { 'Fn::Sub': x }). */
const SHORT_TAGS: Record<string, string> = {
  '!Ref': 'Ref',
  '!Condition': 'Condition',
  '!Sub': 'Fn::Sub',
  '!GetAtt': 'Fn::GetAtt',
  '!If': 'Fn::If',
  '!Join': 'Fn::Join',
  '!Select': 'Fn::Select',
  '!Split': 'Fn::Split',
  '!FindInMap': 'Fn::FindInMap',
  '!Base64': 'Fn::Base64',
  '!Equals': 'Fn::Equals',
  '!Not': 'Fn::Not',
  '!And': 'Fn::And',
  '!Or': 'Fn::Or',
  '!GetAZs': 'Fn::GetAZs',
  '!ImportValue': 'Fn::ImportValue',
  '!Cidr': 'Fn::Cidr',
  '!Transform': 'Fn::Transform',
  '!Length': 'Fn::Length',
  '!ToJsonString': 'Fn::ToJsonString',
};

function cloudFormationTags(): (ScalarTag | CollectionTag)[] {
  const tags: (ScalarTag | CollectionTag)[] = [];
  for (const [tag, longName] of Object.entries(SHORT_TAGS)) {
    // !GetAtt A.B is the scalar form of ['A', 'B'].
    const scalar = longName === 'Fn::GetAtt'
      ? (value: string) => ({ [longName]: splitGetAtt(value) })
      : (value: string) => ({ [longName]: value });
    tags.push({ tag, resolve: scalar });
    for (const collection of ['seq', 'map'] as const) {
      tags.push({ tag, collection, resolve: (node: YAMLMap.Parsed | YAMLSeq.Parsed) => ({ [longName]: node.toJSON() }) });
    }
  }
  return tags;
}

function splitGetAtt(value: string): string[] {
  const dot = value.indexOf('.');
  return dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
}

const TAGS = cloudFormationTags();

export function parseYaml(text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, customTags: TAGS, prettyErrors: false, uniqueKeys: false });
  const line = (offset: number) => lineCounter.linePos(offset).line;
  const errors = doc.errors.map((e) => ({ line: line(e.pos[0]), message: firstLine(e.message) }));
  let value: unknown;
  try {
    value = errors.length ? undefined : doc.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    errors.push({ line: 1, message: error instanceof Error ? error.message : String(error) });
  }
  return { value, errors, lineOf: (path) => lineOfPath(doc, path, line) };
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

function lineOfPath(doc: Document, path: readonly (string | number)[], line: (offset: number) => number): number {
  let node: unknown = doc.contents;
  let best = 1;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key);
      if (!pair) break;
      const keyRange = isScalar(pair.key) ? pair.key.range : undefined;
      if (keyRange) best = line(keyRange[0]);
      node = pair.value;
    } else if (node && typeof node === 'object' && 'items' in node && Array.isArray((node as YAMLSeq).items) && typeof key === 'number') {
      const item = (node as YAMLSeq).items[key] as { range?: [number, number, number] } | undefined;
      if (!item) break;
      if (item.range) best = line(item.range[0]);
      node = item;
    } else {
      break;
    }
  }
  return best;
}

/** A workspace YAML file parsed, or the problems (up to three) that say why it does not parse. */
export async function readYamlFile(file: string): Promise<{ source?: YamlSource; problems: Problem[] }> {
  const source = parseYaml(await fs.readFile(file, 'utf8'));
  if (source.errors.length === 0) return { source, problems: [] };
  const problems = source.errors.slice(0, 3).map((e) => ({
    file,
    line: e.line,
    code: WORKSPACE_ERROR_CODES.parseError,
    message: `${path.basename(file)} does not parse: ${e.message}; fix the YAML`,
  }));
  return { problems };
}
