import * as assert from 'node:assert/strict';
import Docker from 'dockerode';
import { DockerBackend } from '../../../src/core/engine/dockerBackend';
import { parseEngineHost } from '../../../src/core/engine/engineAddress';
import { INSTANCE_NETWORK } from '../../../src/core/engine/instanceNetwork';
import { Session } from '../../../src/core/engine/session';
import { FunctionHost } from '../../../src/core/runtime/functionHost';
import { docker, json, parse, startDockerHost } from '../support/engine';
import {
  addressOf,
  ATTACKER,
  attackerOutcome,
  invokeWhileAttacked,
  recordingLog,
  socketFunction,
  startAttacker,
  victimFunction,
  type Attacker,
} from '../support/runtimeApiAttack';

const PODMAN_SOCKET = '/run/podman/podman.sock';
/** Sessions the tests started for backends they made: disposed after their hosts. */
const sessions: Session[] = [];
const CUT = ['ECONNRESET', 'EPIPE'];

interface EngineUnderTest {
  kind: 'docker' | 'podman';
  engine: Docker;
  /** The network a container joins when started without one. */
  defaultNetwork: string;
  ulimits: Docker.HostConfig['Ulimits'];
  start(log: ReturnType<typeof recordingLog>): Promise<FunctionHost>;
}

const engines: EngineUnderTest[] = [
  { kind: 'docker', engine: docker, defaultNetwork: 'bridge', ulimits: [], start: (log) => startDockerHost({ log }) },
  {
    kind: 'podman',
    engine: new Docker({ socketPath: PODMAN_SOCKET }),
    defaultNetwork: 'podman',
    // This machine's hard limits are below Podman's defaults for containers, which it then cannot set.
    ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 1024 }, { Name: 'nproc', Soft: 1024, Hard: 1024 }],
    start: async (log) => {
      try {
        await new Docker({ socketPath: PODMAN_SOCKET }).ping();
      } catch (error) {
        throw new Error(`these tests need Podman's API at ${PODMAN_SOCKET}: run 'bash scripts/ensure-podman.sh' (npm test does). ${(error as Error).message}`);
      }
      // Podman by its socket, without detection (asking /version of a loaded Podman can outlast detection's
      // timeout; podman.test.ts tests detection). The host disposes the backend, the test its session.
      const session = await Session.start();
      const address = parseEngineHost(`unix://${PODMAN_SOCKET}`, process.env);
      const backend = await DockerBackend.connect({ kind: 'podman', endpoint: PODMAN_SOCKET, address, remote: false, reason: 'test', apiVersion: '' }, session);
      const host = await FunctionHost.start({ workspace: '.', backend, log });
      sessions.push(session);
      assert.equal(host.backend.name, 'podman');
      return host;
    },
  },
];

for (const under of engines) {
  describe(`only an instance reaches its own Runtime API (${under.kind})`, function () {
    let host: FunctionHost | undefined;
    const log = recordingLog();
    const byHand: Attacker[] = [];

    before(async () => {
      host = await under.start(log);
    });
    after(async () => {
      await Promise.all(byHand.map((a) => a.engine.getContainer(a.id).remove({ force: true }).catch(() => undefined)));
      await host?.dispose();
      await Promise.all(sessions.splice(0).map((session) => session.dispose()));
    });

    it("cuts off a container on the default bridge, one on the instances' network, one made through a function's scoped socket and another instance, while every caller gets the function's own result", async () => {
      const ulimits = under.ulimits ?? [];
      await host!.deploy([victimFunction('Victim'), socketFunction('Socketeer', ulimits)]);
      assert.deepEqual(parse((await host!.invoke('Victim', json({ n: 0 }))).payload), { mine: true, n: 0 });
      const victimId = host!.instances().find((i) => i.functionName === 'Victim')?.containerId;
      assert.ok(victimId, 'the victim is warm');
      const victim = await under.engine.getContainer(victimId).inspect();
      const target = victim.Config.Env.find((e) => e.startsWith('AWS_LAMBDA_RUNTIME_API='))!.slice('AWS_LAMBDA_RUNTIME_API='.length);
      assert.deepEqual(Object.keys(victim.NetworkSettings.Networks), [INSTANCE_NETWORK], 'instances run on their own network');
      assert.ok(victim.HostConfig.CapDrop?.includes('NET_RAW'), 'instances cannot forge packets');
      const image = victim.Config.Image;
      const session = host!.session.id;

      byHand.push(await startAttacker(under.engine, { name: 'a container on the default bridge', image, target, network: under.defaultNetwork, session, ulimits }));
      byHand.push(await startAttacker(under.engine, { name: "a container on the instances' network", image, target, network: INSTANCE_NETWORK, session, ulimits }));
      const made = await host!.invoke('Socketeer', json({ image, script: ATTACKER, target, victim: victimId }));
      assert.equal(made.status, 'ok', made.payload.toString());
      const { id: madeId, refused } = parse(made.payload) as { id: string; refused: number[] };
      assert.deepEqual(refused, [403, 403], "the socket refuses the instances' network and the victim's namespace");
      const attackers: Attacker[] = [...byHand, { name: "a container made through a function's scoped socket", id: madeId, engine: under.engine }];

      // Another instance (of another function) polls the victim's Runtime API itself.
      const fromInstance = await host!.invoke('Socketeer', json({ poll: target }));
      assert.ok(CUT.includes((parse(fromInstance.payload) as { error?: string }).error ?? ''), fromInstance.payload.toString());

      const invocations = await invokeWhileAttacked(host!, 'Victim', attackers);
      assert.ok(invocations >= 5);
      for (const attacker of attackers) {
        const outcome = await attackerOutcome(attacker);
        assert.deepEqual(outcome.stolen, [], `${attacker.name} received no invocation`);
        assert.deepEqual(outcome.answered, [], `${attacker.name} got no answer at all`);
        assert.deepEqual([...new Set(outcome.errors)].filter((e) => !CUT.includes(e)), [], `${attacker.name}'s connections were cut`);
      }

      // Each source is logged once, however often it tried.
      const socketeerId = host!.instances().find((i) => i.functionName === 'Socketeer')?.containerId;
      for (const id of [...attackers.map((a) => a.id), socketeerId!]) {
        const address = await addressOf(under.engine, id);
        const lines = log.lines.filter((line) => line.includes(`refused a connection to its Runtime API from ${address} `));
        assert.equal(lines.length, 1, `one log line for ${address}: ${lines.join('\n')}`);
        assert.match(lines[0], /Victim instance [0-9a-f]+: refused/);
      }
    });
  });
}
