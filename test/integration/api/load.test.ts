import * as assert from 'node:assert/strict';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { type ApiHarness, parse, startApiHarness } from './harness';

interface TallyAnswer {
  event: { client: number; n: number };
  requestId: string;
  instanceId: string;
  sequence: number;
}

const CLIENTS = 50;
const DURATION_MS = 10_000;
const WARMUP_MS = 1_500;

/**
 * 50 SDK clients (each its own LambdaClient and connections) invoke Tally back to back for 10 s. The function
 * returns its request id and its instance's own sequence number, so the test can prove that each invocation ran
 * exactly once: every answer carries the request id the API reported, no id repeats, and each instance's
 * sequence numbers are exactly 1..n (a gap would be an invocation that ran without its answer reaching the
 * client, that is, a lost or doubled one).
 */
describe('Invoke API under load: 50 concurrent SDK clients for 10 seconds', function () {
  // 10 s of load; the rest is for a machine that is busy with other work too.
  this.timeout(240_000);
  let harness: ApiHarness;

  before(async () => {
    harness = await startApiHarness();
  });
  after(() => harness?.dispose());

  it('answers every invocation, once, with no error', async () => {
    const answers: TallyAnswer[] = [];
    const errors: string[] = [];
    let measured = 0;

    const runClients = async (durationMs: number): Promise<void> => {
      const until = Date.now() + durationMs;
      await Promise.all(
        Array.from({ length: CLIENTS }, async (_, client) => {
          const sdk = harness.client();
          for (let n = 0; Date.now() < until; n++) {
            const event = { client, n };
            try {
              const out = await sdk.send(new InvokeCommand({ FunctionName: 'Tally', Payload: Buffer.from(JSON.stringify(event)) }));
              if (out.FunctionError) {
                errors.push(`function error: ${Buffer.from(out.Payload ?? []).toString()}`);
                continue;
              }
              const answer = parse<TallyAnswer>(out.Payload);
              if (answer.requestId !== out.$metadata.requestId) errors.push(`request id ${answer.requestId} answered as ${out.$metadata.requestId}`);
              if (answer.event.client !== client || answer.event.n !== n) errors.push(`client ${client} #${n} got the answer to ${JSON.stringify(answer.event)}`);
              answers.push(answer);
            } catch (error) {
              errors.push(`${(error as Error).name}: ${(error as Error).message}`);
            }
          }
        }),
      );
    };

    // Warm-up (scales the pool out to its cap), counted in the tally like everything else.
    await runClients(WARMUP_MS);
    const before = answers.length;
    const started = Date.now();
    await runClients(DURATION_MS);
    measured = answers.length - before;
    const seconds = (Date.now() - started) / 1000;
    console.log(`      ${measured} invocations in ${seconds.toFixed(1)} s (${Math.round(measured / seconds)}/s) from ${CLIENTS} clients, ${answers.length} in all`);

    assert.deepEqual(errors.slice(0, 5), [], `${errors.length} errors`);
    assert.ok(measured > CLIENTS, 'the clients made progress');
    const ids = new Set(answers.map((a) => a.requestId));
    assert.equal(ids.size, answers.length, 'no request id was seen twice');

    const sequences = new Map<string, number[]>();
    for (const answer of answers) {
      const list = sequences.get(answer.instanceId) ?? [];
      list.push(answer.sequence);
      sequences.set(answer.instanceId, list);
    }
    let ran = 0;
    for (const [instanceId, list] of sequences) {
      list.sort((a, b) => a - b);
      ran += list[list.length - 1];
      assert.deepEqual(list, Array.from({ length: list.length }, (_, i) => i + 1), `instance ${instanceId} ran exactly the invocations it answered`);
    }
    assert.equal(ran, answers.length, 'the function ran as many invocations as were answered');
    console.log(`      ${sequences.size} instances served them`);
  });
});
