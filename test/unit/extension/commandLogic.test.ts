import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { containerOf, functionNameOf, instanceOf, payloadArgOf } from '../../../src/extension/commands/args';
import { EVENT_TEMPLATES, eventTemplate } from '../../../src/extension/invoke/eventTemplates';
import { exportLine, handlerLocation } from '../../../src/extension/invoke/handlerLocation';
import { listSavedEvents, parsePayload, saveEvent, validEventName } from '../../../src/extension/invoke/savedEvents';
import type { ContainerRecord, FunctionRecord, InstanceRecord } from '../../../src/extension/model/records';
import { definition } from './fakes';

const instance: InstanceRecord = { instanceId: 'abc', functionName: 'Orders', state: 'idle', invocations: 1, startedAt: 0 };
const container: ContainerRecord = {
  id: '0123', name: 'c', functionName: 'Hello', session: 's', state: 'running', status: 'Up', image: 'img', createdAt: 0, stale: false, ownSession: true, workspace: '/ws', hasDockerSocket: false,
};

describe('command arguments', () => {
  it('takes a function from a name, the record a function, instance or container node carries, or { functionName }', () => {
    const fn: FunctionRecord = { name: 'Hello', source: { file: '/ws/template.yaml', line: 3 }, state: { kind: 'discovered' }, problems: [], routes: [], instances: [] };
    assert.equal(functionNameOf('Hello'), 'Hello');
    assert.equal(functionNameOf({ id: 'function:Other', data: { kind: 'function', record: fn } }), 'Hello', 'the record, not the id');
    assert.equal(functionNameOf({ data: { kind: 'instance', record: instance } }), 'Orders');
    assert.equal(functionNameOf({ data: { kind: 'containerGroup', functionName: 'Hello' } }), 'Hello');
    assert.equal(functionNameOf({ functionName: 'Hello' }), 'Hello');
    assert.equal(functionNameOf({ id: 'function:Hello' }), undefined, 'an id is not parsed back');
    assert.equal(functionNameOf(undefined), undefined, 'the palette gives nothing: the command asks');
    assert.equal(functionNameOf(''), undefined);
  });

  it('takes instances and containers as the records their nodes carry, or as ids', () => {
    assert.equal(instanceOf({ data: { kind: 'instance', record: instance } }), instance);
    assert.equal(instanceOf('abc'), 'abc');
    assert.equal(instanceOf({ instanceId: 'abc' }), 'abc');
    assert.equal(instanceOf({ data: { kind: 'notice' } }), undefined);
    assert.equal(containerOf({ data: { kind: 'container', record: container } }), container);
    assert.equal(containerOf('0123'), '0123');
    assert.equal(containerOf({ containerId: '0123' }), '0123');
  });

  it('reads the payload argument: JSON text, any value, a file, a saved event, a template', () => {
    assert.equal(payloadArgOf(undefined), undefined);
    assert.deepEqual(payloadArgOf('{"a":1}'), { kind: 'text', text: '{"a":1}' });
    assert.deepEqual(payloadArgOf({ greeting: 'hi' }), { kind: 'text', text: '{"greeting":"hi"}' });
    assert.deepEqual(payloadArgOf([1, 2]), { kind: 'text', text: '[1,2]' });
    assert.deepEqual(payloadArgOf({ file: 'events/x.json' }), { kind: 'file', file: 'events/x.json' });
    assert.deepEqual(payloadArgOf({ event: 'greeting' }), { kind: 'event', name: 'greeting' });
    assert.deepEqual(payloadArgOf({ template: 'sqs' }), { kind: 'template', id: 'sqs' });
    assert.deepEqual(payloadArgOf({ file: 'x', other: 1 }), { kind: 'text', text: '{"file":"x","other":1}' }, 'a payload that merely has a file field is a payload');
  });
});

describe('payloads and saved events', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ld-events-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('saves a payload under .lambda-dock/events/<function>/ and lists it back', () => {
    assert.deepEqual(listSavedEvents(dir, 'Hello'), []);
    const file = saveEvent(dir, 'Hello', 'greeting', Buffer.from('{"greeting":"hi"}'));
    assert.equal(file, path.join(dir, '.lambda-dock', 'events', 'Hello', 'greeting.json'));
    assert.equal(fs.readFileSync(file, 'utf8'), '{\n  "greeting": "hi"\n}\n');
    saveEvent(dir, 'Hello', 'another', Buffer.from('[]'));
    assert.deepEqual(listSavedEvents(dir, 'Hello').map((e) => e.name), ['another', 'greeting']);
    assert.deepEqual(listSavedEvents(dir, 'Orders'), []);
  });

  it('refuses names that are not file names, and payloads that are not JSON', () => {
    assert.match(validEventName('') ?? '', /Give the event a name/);
    assert.match(validEventName('../escape') ?? '', /letters, digits/);
    assert.equal(validEventName('s3-put.v2'), undefined);
    assert.throws(() => saveEvent(dir, 'Hello', '../x', Buffer.from('{}')), /cannot be an event name/);
    assert.throws(() => parsePayload('{nope', 'the typed payload'), /The payload from the typed payload is not JSON .*: fix it/);
  });

  it('has a template for every event source the issue names, each valid JSON with the source\'s shape', () => {
    assert.deepEqual(EVENT_TEMPLATES.map((t) => t.id), ['apigateway-http', 'apigateway-rest', 's3', 'sqs', 'sns', 'eventbridge', 'dynamodb', 'scheduled']);
    const now = new Date('2024-05-01T12:00:00.123Z');
    for (const template of EVENT_TEMPLATES) JSON.parse(JSON.stringify(template.build('Fn', now)));
    const records = (id: string) => (eventTemplate(id)!.build('Fn', now) as { Records: Array<Record<string, unknown>> }).Records[0];
    assert.equal(records('s3').eventSource, 'aws:s3');
    assert.equal(records('sqs').eventSource, 'aws:sqs');
    assert.equal(records('sns').EventSource, 'aws:sns');
    assert.equal(records('dynamodb').eventSource, 'aws:dynamodb');
    const scheduled = eventTemplate('scheduled')!.build('Fn', now) as Record<string, unknown>;
    assert.equal(scheduled['detail-type'], 'Scheduled Event');
    assert.equal(scheduled.time, '2024-05-01T12:00:00Z');
    assert.equal((eventTemplate('apigateway-http')!.build('Fn', now) as { version: string }).version, '2.0');
  });
});

describe('Open Handler', () => {
  it('finds the exported handler\'s line in CommonJS, ES modules and Python', () => {
    assert.equal(exportLine('const x = 1;\n\nexports.handler = async () => {};', 'handler'), 2);
    assert.equal(exportLine('// hi\nmodule.exports.main = () => 1', 'main'), 1);
    assert.equal(exportLine('import x from "y";\nexport async function handler(event) {}', 'handler'), 1);
    assert.equal(exportLine('export const lambdaHandler = async () => {}', 'lambdaHandler'), 0);
    assert.equal(exportLine('import os\n\ndef handler(event, context):\n  pass', 'handler'), 2);
    assert.equal(exportLine('const handler = 1;\nexport { handler };', 'handler'), 1);
    assert.equal(exportLine('nothing here', 'handler'), 0);
  });

  it('opens the source of a TypeScript function, not its build output, and the template when there is no file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ld-handler-'));
    try {
      fs.mkdirSync(path.join(dir, 'src'));
      fs.writeFileSync(path.join(dir, 'src', 'app.ts'), 'import x from "y";\n\nexport const handler = async () => x;\n');
      const ts = definition('Typed', path.join(dir, 'build'), { handler: 'app.handler', build: { sourceDir: path.join(dir, 'src') } });
      assert.deepEqual(handlerLocation(ts), { file: path.join(dir, 'src', 'app.ts'), line: 2 });
      const missing = definition('Missing', path.join(dir, 'nothing'), { source: { file: path.join(dir, 'template.yaml'), line: 12 } });
      assert.deepEqual(handlerLocation(missing), { file: path.join(dir, 'template.yaml'), line: 11 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
