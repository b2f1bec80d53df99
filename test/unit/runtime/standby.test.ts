import * as assert from 'node:assert/strict';
import { silentLogger } from '../../../src/core/log';
import { withLambdaDefaults } from '../../../src/core/functions/definition';
import { RuntimeApiChannel } from '../../../src/core/runtime/runtimeApiChannel';
import { RuntimeApiClient } from '../../../src/core/runtime/client/runtimeApiClient';
import { applyEnvironment } from '../../../src/core/runtime/client/standbyAssignment';
import { STANDBY_ENV } from '../../../src/core/runtime/client/protocol';
import { StandbyDemand } from '../../../src/core/runtime/standbyDemand';
import { standbyIneligibility } from '../../../src/core/runtime/standbyEligibility';

const fn = (overrides: Parameters<typeof withLambdaDefaults>[0] extends infer T ? Partial<T> : never) =>
  withLambdaDefaults({ name: 'Fn', runtime: 'nodejs20.x', handler: 'app.handler', codeDir: '/code', source: { file: '/t.yaml', line: 1 }, ...overrides });

describe('standby sandboxes: logic', () => {
  describe('which functions run on standbys', () => {
    it('a Node.js function with Lambda\'s /tmp and an environment a running process can take on', () => {
      assert.equal(standbyIneligibility(fn({})), undefined);
      assert.equal(standbyIneligibility(fn({ environment: { NODE_OPTIONS: '--enable-source-maps', TABLE: 't', NODE_ENV: 'production' } })), undefined);
    });

    it('not an image function, another runtime, another /tmp size, or variables node reads only at start', () => {
      assert.match(standbyIneligibility(fn({ image: { uri: 'my/image' } })) ?? '', /own entrypoint/);
      assert.match(standbyIneligibility(fn({ runtime: 'java21' })) ?? '', /not java21/);
      assert.equal(standbyIneligibility(fn({ runtime: 'python3.12', environment: { TABLE: 't' } })), undefined);
      assert.match(standbyIneligibility(fn({ runtime: 'python3.12', environment: { PYTHONHASHSEED: '0' } })) ?? '', /PYTHONHASHSEED is read only when python starts/);
      assert.match(standbyIneligibility(fn({ ephemeralStorageMB: 1024 })) ?? '', /1024 MB/);
      assert.match(standbyIneligibility(fn({ environment: { NODE_OPTIONS: '--enable-source-maps --max-old-space-size=100' } })) ?? '', /--max-old-space-size=100 applies only when node starts/);
      assert.match(standbyIneligibility(fn({ environment: { NODE_EXTRA_CA_CERTS: '/ca.pem' } })) ?? '', /NODE_EXTRA_CA_CERTS is read only when node starts/);
    });
  });

  describe('how many are kept', () => {
    it('the configured number, raised by a burst up to the cap, back once a while passes without launches; spread-out launches do not raise it', async () => {
      let now = 0;
      let settled = 0;
      const demand = new StandbyDemand(2, 10, 40, () => (settled += 1), () => now);
      assert.equal(demand.target, 2);
      for (let i = 0; i < 5; i++) {
        now += 2000;
        demand.note();
      }
      assert.equal(demand.target, 2, 'one launch every 2 s is no burst');
      for (let i = 0; i < 12; i++) demand.note();
      assert.equal(demand.target, 10, 'a burst of 12 raises it to the cap');
      now += 5000;
      demand.note();
      assert.equal(demand.target, 10, 'raised while launches keep coming');
      await new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (settled === 0) return;
          clearInterval(check);
          resolve();
        }, 5);
      });
      assert.equal(demand.target, 2);
      demand.dispose();
    });
  });

  describe('the assignment', () => {
    it('a standby\'s channel answers the client\'s assignment poll with the function\'s environment, before or after it arrives', async () => {
      const endpoint = { bindAddress: '127.0.0.1', advertisedHost: '127.0.0.1', identity: { kind: 'secretPath' as const } };
      const channel = await RuntimeApiChannel.open(endpoint, { instanceId: 'sb', owner: 'standby sb', log: silentLogger, standby: true });
      try {
        const client = new RuntimeApiClient(channel.address);
        const waiting = new Promise((resolve) => channel.once('standbyReady', resolve));
        const assignment = client.assignment();
        await waiting;
        assert.equal(channel.waitingForAssignment, true);
        channel.assign({ environment: { AWS_LAMBDA_FUNCTION_NAME: 'Fn' } }, 'Fn instance sb');
        assert.deepEqual(await assignment, { environment: { AWS_LAMBDA_FUNCTION_NAME: 'Fn' } });
        // A second poll (a client that restarted its request) gets the same answer at once.
        assert.deepEqual(await client.assignment(), { environment: { AWS_LAMBDA_FUNCTION_NAME: 'Fn' } });
      } finally {
        channel.close();
      }
    });

    it('an instance\'s channel that is not a standby\'s knows no assignment route', async () => {
      const endpoint = { bindAddress: '127.0.0.1', advertisedHost: '127.0.0.1', identity: { kind: 'secretPath' as const } };
      const channel = await RuntimeApiChannel.open(endpoint, { instanceId: 'i', owner: 'Fn instance i', log: silentLogger });
      try {
        await assert.rejects(new RuntimeApiClient(channel.address).assignment(), /answered 404/);
      } finally {
        channel.close();
      }
    });

    it('the client takes on the environment: the standby marker goes, NODE_OPTIONS --enable-source-maps applies', () => {
      const saved = { ...process.env };
      const sourceMaps = process.sourceMapsEnabled;
      try {
        process.env[STANDBY_ENV] = '1';
        applyEnvironment({ AWS_LAMBDA_FUNCTION_NAME: 'Assigned', NODE_OPTIONS: '--enable-source-maps' });
        assert.equal(process.env.AWS_LAMBDA_FUNCTION_NAME, 'Assigned');
        assert.equal(process.env[STANDBY_ENV], undefined);
        assert.equal(process.sourceMapsEnabled, true);
      } finally {
        process.setSourceMapsEnabled(sourceMaps);
        for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
        Object.assign(process.env, saved);
      }
    });
  });
});
