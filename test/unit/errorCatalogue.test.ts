import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI_ERROR_CATALOGUE, CLI_ERRORS } from '../../src/cli/errors';
import { API_ERROR_CATALOGUE, API_ERROR_CODES } from '../../src/core/api/errors';
import { ENGINE_ERROR_CATALOGUE, ENGINE_ERRORS } from '../../src/core/engine/errors';
import type { ErrorCodeEntry } from '../../src/core/errors';
import { NPM_ERROR_CATALOGUE, NPM_ERRORS } from '../../src/core/npm/errors';
import { INVOKE_ERROR_CATALOGUE } from '../../src/core/runtime/invokeErrors';
import { INVOKE_ERROR_CODES } from '../../src/core/runtime/invoker';
import { SOCKET_ERROR_CATALOGUE, SOCKET_ERRORS } from '../../src/core/sockets/errors';
import { WORKSPACE_ERROR_CATALOGUE, WORKSPACE_ERROR_CODES } from '../../src/core/workspace/errors';
import { EXTENSION_ERROR_CATALOGUE, EXTENSION_ERRORS } from '../../src/extension/errors';

// As fastify's error tests do: every code the source throws is in its module's catalogue, and every
// catalogued code has a message and a fix. The debug and gateway modules throw no coded errors (the
// gateway answers with API Gateway's own responses, gatewayAnswers.ts).
interface Module {
  constants: string;
  codes: Readonly<Record<string, string>>;
  catalogue: Readonly<Record<string, ErrorCodeEntry>>;
}
const MODULES: Record<string, Module> = {
  engine: { constants: 'ENGINE_ERRORS', codes: ENGINE_ERRORS, catalogue: ENGINE_ERROR_CATALOGUE },
  runtime: { constants: 'INVOKE_ERROR_CODES', codes: INVOKE_ERROR_CODES, catalogue: INVOKE_ERROR_CATALOGUE },
  workspace: { constants: 'WORKSPACE_ERROR_CODES', codes: WORKSPACE_ERROR_CODES, catalogue: WORKSPACE_ERROR_CATALOGUE },
  api: { constants: 'API_ERROR_CODES', codes: API_ERROR_CODES, catalogue: API_ERROR_CATALOGUE },
  sockets: { constants: 'SOCKET_ERRORS', codes: SOCKET_ERRORS, catalogue: SOCKET_ERROR_CATALOGUE },
  npm: { constants: 'NPM_ERRORS', codes: NPM_ERRORS, catalogue: NPM_ERROR_CATALOGUE },
  cli: { constants: 'CLI_ERRORS', codes: CLI_ERRORS, catalogue: CLI_ERROR_CATALOGUE },
  extension: { constants: 'EXTENSION_ERRORS', codes: EXTENSION_ERRORS, catalogue: EXTENSION_ERROR_CATALOGUE },
};
const byConstants = new Map(Object.values(MODULES).map((m) => [m.constants, m]));
const catalogued = new Set(Object.values(MODULES).flatMap((m) => Object.keys(m.catalogue)));

const srcDir = path.resolve(__dirname, '..', '..', 'src');
const sources = fs.readdirSync(srcDir, { recursive: true, encoding: 'utf8' })
  .filter((name) => name.endsWith('.ts'))
  .map((name) => ({ file: name, text: fs.readFileSync(path.join(srcDir, name), 'utf8') }));

/** Every place an error gets its code: LambdaDockError itself and each module's typed constructor. */
const CODE_ARGUMENT = /(?:new LambdaDockError|(?<!function )\b(?:workspaceError|socketError|extensionError|cliError|npmError))\(\s*([^,)]+?)\s*,/g;

function codeSites(): { where: string; argument: string }[] {
  const sites: { where: string; argument: string }[] = [];
  for (const { file, text } of sources) {
    for (const match of text.matchAll(CODE_ARGUMENT)) {
      const line = text.slice(0, match.index).split('\n').length;
      sites.push({ where: `${file}:${line}`, argument: match[1] });
    }
  }
  return sites;
}

describe('error codes: one typed catalogue per module', () => {
  for (const [name, module] of Object.entries(MODULES)) {
    it(`${name}: catalogues each of its codes, exactly, each with a message and a fix`, () => {
      assert.deepEqual(Object.keys(module.catalogue).sort(), Object.values(module.codes).sort());
      for (const [code, entry] of Object.entries(module.catalogue)) {
        assert.match(entry.message, /^\S.{10,}[.)]$/, `${code}'s message is a sentence`);
        assert.match(entry.fix, /^\S.{5,}[.)]$/, `${code}'s fix is a sentence`);
        assert.notEqual(entry.fix, entry.message, `${code}'s fix says what to do, not the problem again`);
      }
    });
  }

  it('knows every module that adds codes to LambdaDockError\'s union', () => {
    const declared = sources.flatMap(({ text }) => [...text.matchAll(/interface ErrorCodesByModule \{\s*(\w+):/g)].map((m) => m[1]));
    assert.deepEqual(declared.sort(), Object.keys(MODULES).sort());
  });

  it('gives each code one home: no two modules catalogue the same code', () => {
    const all = Object.values(MODULES).flatMap((m) => Object.keys(m.catalogue));
    assert.deepEqual(all.filter((code, i) => all.indexOf(code) !== i), []);
  });

  it('throws only catalogued codes, named through a module\'s constants (a helper passes its typed code on)', () => {
    const sites = codeSites();
    assert.ok(sites.length > 40, `the scan finds the places that make coded errors (${sites.length})`);
    const wrong: string[] = [];
    for (const { where, argument } of sites) {
      const constant = /^([A-Z_]+)\.(\w+)$/.exec(argument);
      if (constant) {
        const module = byConstants.get(constant[1]);
        if (!module) wrong.push(`${where}: ${argument} is not a catalogue's constant`);
        else if (!(constant[2] in module.codes)) wrong.push(`${where}: ${constant[1]} has no ${constant[2]}`);
        continue;
      }
      const literal = /^'([^']*)'$/.exec(argument);
      if (literal) {
        wrong.push(`${where}: the code '${literal[1]}' is written as a string${catalogued.has(literal[1]) ? '' : ' and is in no catalogue'}`);
        continue;
      }
      // A module's constructor (workspaceError, socketError...) hands its typed parameter on.
      if (!(argument === 'code' && /[eE]rrors\.ts$/.test(where.split(':')[0]))) wrong.push(`${where}: cannot tell the code of ${argument}`);
    }
    assert.deepEqual(wrong, []);
  });

  it('compares and assigns error codes only to catalogued ones', () => {
    const wrong: string[] = [];
    const contexts = [/isLambdaDockError\([^,()]+,\s*'([^']+)'/g, /\bcode:\s*'([^']+)'/g, /\.code\s*[!=]==\s*'([^']+)'/g];
    for (const { file, text } of sources) {
      for (const pattern of contexts) {
        for (const match of text.matchAll(pattern)) {
          // Node.js's own error codes (errno names, ERR_*) are not ours.
          if (/^(E[A-Z]+|ERR_[A-Z_]+|MODULE_NOT_FOUND)$/.test(match[1])) continue;
          if (!catalogued.has(match[1])) wrong.push(`${file}: '${match[1]}'`);
        }
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('uses every catalogued code somewhere in the source', () => {
    const text = sources.map((s) => s.text).join('\n');
    const unused = Object.values(MODULES).flatMap((m) =>
      Object.keys(m.codes).filter((member) => !new RegExp(`${m.constants}\\.${member}\\b`).test(text)).map((member) => `${m.constants}.${member}`));
    assert.deepEqual(unused, []);
  });
});
