import * as assert from 'node:assert/strict';
import { affectedServices, DEFAULT_SETTINGS, readSettings } from '../../../src/extension/settingsModel';

describe('extension settings', () => {
  it('reads the defaults when nothing is set', () => {
    assert.deepEqual(readSettings(() => undefined), DEFAULT_SETTINGS);
  });

  it('keeps valid values and replaces invalid ones with defaults', () => {
    const values: Record<string, unknown> = {
      engine: 'podman',
      dockerHost: ' tcp://localhost:2375 ',
      deployOnSave: false,
      idleTimeoutSeconds: -5,
      maxConcurrencyPerFunction: 2.7,
      prewarm: true,
      invokeApiPort: 70000,
      runtimeImages: { 'nodejs20.x': 'my/node:20', 'python3.12': 42 },
      cleanupStaleOnStart: 'sometimes',
    };
    const settings = readSettings((key) => values[key]);
    assert.equal(settings.engine, 'podman');
    assert.equal(settings.dockerHost, 'tcp://localhost:2375');
    assert.equal(settings.deployOnSave, false);
    assert.equal(settings.idleTimeoutSeconds, 300);
    assert.equal(settings.maxConcurrencyPerFunction, 2);
    assert.equal(settings.prewarm, true);
    assert.equal(settings.invokeApiPort, 0);
    assert.deepEqual(settings.runtimeImages, { 'nodejs20.x': 'my/node:20' });
    assert.equal(settings.cleanupStaleOnStart, 'ask');
    assert.equal(readSettings((key) => (key === 'engine' ? 'containerd' : undefined)).engine, 'auto');
    assert.equal(readSettings((key) => (key === 'officialImageClient' ? 'aws' : undefined)).officialImageClient, 'aws');
    assert.equal(readSettings((key) => (key === 'officialImageClient' ? 'emulator' : undefined)).officialImageClient, 'lambda-dock');
  });

  it('says which services a change restarts, and only those', () => {
    const base = DEFAULT_SETTINGS;
    assert.deepEqual([...affectedServices(base, { ...base })], []);
    assert.deepEqual([...affectedServices(base, { ...base, engine: 'podman' })], ['host']);
    assert.deepEqual([...affectedServices(base, { ...base, runtimeImages: { 'nodejs20.x': 'x' } })], ['host']);
    assert.deepEqual([...affectedServices(base, { ...base, officialImageClient: 'aws' })], ['host']);
    assert.deepEqual([...affectedServices(base, { ...base, deployOnSave: false })], ['deployOnSave']);
    assert.deepEqual([...affectedServices(base, { ...base, invokeApiPort: 3001 })], ['invokeApi']);
    assert.deepEqual([...affectedServices(base, { ...base, envVarsFile: 'env.json' })], ['discovery']);
    assert.deepEqual([...affectedServices(base, { ...base, prewarm: true, cleanupStaleOnStart: 'never' })], []);
    assert.deepEqual([...affectedServices(base, { ...base, idleTimeoutSeconds: 60, invokeApiPort: 1 })].sort(), ['host', 'invokeApi']);
    assert.deepEqual([...affectedServices(base, { ...base, standbyInstances: 0 })], ['host']);
  });

  it('standbyInstances: 2 by default, 0 turns standbys off, a bad value is the default', () => {
    assert.equal(DEFAULT_SETTINGS.standbyInstances, 2);
    assert.equal(readSettings((key) => (key === 'standbyInstances' ? 0 : undefined)).standbyInstances, 0);
    assert.equal(readSettings((key) => (key === 'standbyInstances' ? 5.5 : undefined)).standbyInstances, 5);
    assert.equal(readSettings((key) => (key === 'standbyInstances' ? -1 : undefined)).standbyInstances, 2);
    assert.equal(readSettings((key) => (key === 'standbyInstances' ? 'three' : undefined)).standbyInstances, 2);
  });
});
