import { DiscoveryService } from '@nestjs/core';
import { CommandBus, EventBus, QueryBus } from '@nestjs/cqrs';
import { TestEngine } from '../support/engine.js';

let engine: TestEngine;

beforeAll(async () => {
  engine = await TestEngine.start({ seed: 7, orders: 0 });
});
afterAll(() => engine?.close());

/**
 * Each bus a provider or controller of the engine holds. A module importing `CqrsModule` itself (not the app's
 * `forRoot()`) gets buses of its own, registered by that module's own bootstrap hook, which may run after the sagas
 * started: a restart with work pending then failed its first reactions with "No handler found".
 */
function busesOf<T>(type: abstract new (...args: never[]) => T): Set<T> {
  const discovery = engine.engine.app.get(DiscoveryService);
  const found = new Set<T>();
  for (const wrapper of [...discovery.getProviders(), ...discovery.getControllers()]) {
    const instance: unknown = wrapper.instance;
    if (!instance || typeof instance !== 'object') continue;
    if (instance instanceof type) found.add(instance);
    for (const value of Object.values(instance)) if (value instanceof type) found.add(value as T);
  }
  return found;
}

describe('the engine’s CQRS buses', () => {
  it('are one command bus, one event bus and one query bus, shared by every module', () => {
    expect(busesOf(CommandBus).size).toBe(1);
    expect(busesOf(EventBus).size).toBe(1);
    expect(busesOf(QueryBus).size).toBe(1);
  });
});
