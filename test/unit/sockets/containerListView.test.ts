import * as assert from 'node:assert/strict';
import { ContainerListView, type ListAnswer } from '../../../src/core/sockets/containerListView';
import { inspectedContainer, listedSignature } from '../../../src/core/sockets/containerSignature';
import { CLOCK_MARGIN_MS, listTextValidUntil, nextTextChange, parseEngineTime } from '../../../src/core/sockets/statusClock';

const S = 1000;
const M = 60 * S;

describe('statusClock', () => {
  it('finds the next tick of a Status text: whole seconds for a minute, then whole minutes', () => {
    assert.equal(nextTextChange(0, 300), 1 * S, '"Less than a second" until one second');
    assert.equal(nextTextChange(0, 5 * S + 10), 6 * S);
    assert.equal(nextTextChange(0, 59 * S + 999), 60 * S);
    assert.equal(nextTextChange(0, 60 * S), 2 * M, '"About a minute" until two minutes');
    assert.equal(nextTextChange(0, 90 * M + 5), 91 * M, 'rounded hours change on the half hour, a whole minute');
    assert.equal(nextTextChange(10 * S, 9 * S), 11 * S, 'a start a little ahead of our clock still reads "Less than a second"');
  });

  it('keeps a list true until its first entry could tick, by either of its times, less a margin for clocks', () => {
    assert.equal(listTextValidUntil([{ startedAt: 0 }, { startedAt: 400, finishedAt: 1200 }], 1500), 2 * S - CLOCK_MARGIN_MS);
    assert.equal(listTextValidUntil([{}], 1500), Infinity, 'a container never started has no clock in its text');
  });

  it('reads the engine times to the millisecond, and Go zero times as absent', () => {
    assert.equal(parseEngineTime('2026-11-22T11:30:05.123456789Z'), Date.UTC(2026, 10, 22, 11, 30, 5) + 123.456789);
    assert.equal(parseEngineTime('2026-11-22T12:30:05+01:00'), Date.UTC(2026, 10, 22, 11, 30, 5));
    assert.equal(parseEngineTime('0001-01-01T00:00:00Z'), undefined);
    assert.equal(parseEngineTime('yesterday'), undefined);
    assert.equal(parseEngineTime(undefined), undefined);
  });
});

describe('ContainerListView', () => {
  let now: number;
  let watched: boolean;
  let view: ContainerListView;
  const answer: ListAnswer = { status: 200, headers: { 'Content-Type': 'application/json' }, body: Buffer.from('[{"Id":"a"}]\n') };
  const running = [{ id: 'a', signature: 'running' }];
  const live = (signature: string, startedAt?: number) => async () => ({ signature, times: { startedAt } });

  beforeEach(() => {
    now = 10_000;
    watched = true;
    view = new ContainerListView(() => watched, 2, () => now);
  });

  it('answers a repeated list until a Status text could tick', async () => {
    await view.remember('/containers/json', view.ticket(), answer, running, live('running', 9_700));
    assert.equal(view.lookup('/containers/json')?.body.toString(), '[{"Id":"a"}]\n');
    now = 10_700 - CLOCK_MARGIN_MS;
    assert.equal(view.lookup('/containers/json'), undefined, '"Up 1 second" becomes "Up 2 seconds" at 10.7 s');
  });

  it('keeps no answer caught mid-change: one that an inspect asked for after it contradicts', async () => {
    await view.remember('/containers/json', view.ticket(), answer, running, live('exited', 9_700));
    assert.equal(view.lookup('/containers/json'), undefined);
    await view.remember('/containers/json', view.ticket(), answer, running, async () => undefined);
    assert.equal(view.lookup('/containers/json'), undefined, 'nor one whose container cannot be inspected');
  });

  it('forgets everything on a change, and keeps nothing asked for before it', async () => {
    const ticket = view.ticket();
    view.invalidate();
    await view.remember('/containers/json', ticket, answer, [], live('created'));
    assert.equal(view.lookup('/containers/json'), undefined);
    await view.remember('/containers/json', view.ticket(), answer, [], live('created'));
    assert.ok(view.lookup('/containers/json'));
    view.invalidate();
    assert.equal(view.lookup('/containers/json'), undefined);
  });

  it('keeps nothing when a change lands while the containers are inspected', async () => {
    await view.remember('/containers/json', view.ticket(), answer, running, async () => {
      view.invalidate();
      return { signature: 'running', times: { startedAt: 9_900 } };
    });
    assert.equal(view.lookup('/containers/json'), undefined);
  });

  it('answers nothing while the engine events are not followed', async () => {
    await view.remember('/containers/json', view.ticket(), answer, [], live('created'));
    watched = false;
    assert.equal(view.lookup('/containers/json'), undefined);
  });

  it('counts a list as a repeat only when it was asked for before since the last change', () => {
    assert.equal(view.askedAgain('/containers/json'), false);
    assert.equal(view.askedAgain('/containers/json'), true);
    assert.equal(view.askedAgain('/containers/json?all=1'), false);
    view.invalidate();
    assert.equal(view.askedAgain('/containers/json'), false);
  });

  it('keeps a bounded number of answers', async () => {
    for (const p of ['/1', '/2', '/3']) await view.remember(p, view.ticket(), answer, [], live('created'));
    assert.deepEqual(['/1', '/2', '/3'].map((p) => view.lookup(p) !== undefined), [false, true, true]);
  });
});

describe('containerSignature', () => {
  const network = { bridge: { IPAddress: '172.17.0.3', EndpointID: 'e1' } };
  it('says the same of a list entry and an inspect of the same container', () => {
    const entry = { Id: 'a', Names: ['/web'], State: 'running', Status: 'Up 3 seconds (healthy)', NetworkSettings: { Networks: network } };
    const inspect = { Id: 'a', Name: '/web', State: { Status: 'running', Health: { Status: 'healthy' }, StartedAt: '2026-11-22T11:30:05.5Z', FinishedAt: '0001-01-01T00:00:00Z' }, NetworkSettings: { Networks: network } };
    const inspected = inspectedContainer(inspect);
    assert.equal(listedSignature(entry), inspected.signature);
    assert.deepEqual(inspected.times, { startedAt: Date.UTC(2026, 10, 22, 11, 30, 5, 500), finishedAt: undefined });
  });

  it('tells a list entry from an inspect that has moved on', () => {
    const entry = { Names: ['/web'], State: 'running', Status: 'Up 3 seconds', NetworkSettings: { Networks: network } };
    const exited = { Name: '/web', State: { Status: 'exited' }, NetworkSettings: { Networks: { bridge: { IPAddress: '', EndpointID: '' } } } };
    const renamed = { Name: '/api', State: { Status: 'running' }, NetworkSettings: { Networks: network } };
    assert.notEqual(listedSignature(entry), inspectedContainer(exited).signature);
    assert.notEqual(listedSignature(entry), inspectedContainer(renamed).signature);
  });
});
