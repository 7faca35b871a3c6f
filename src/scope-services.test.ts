import { describe, expect, it } from 'vitest';
import { scopeServiceList } from './scope-services';
import { scopeDefaults } from './scope-options';

describe("the root's service list", () => {
  it('names each service once', () => {
    const names = scopeServiceList.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('names only flags that are options of the server', () => {
    const unknown = scopeServiceList.flatMap((s) =>
      s.flags.filter((f) => !(f in scopeDefaults)).map((f) => `${s.name}: ${f}`),
    );
    expect(unknown).toEqual([]);
  });

  it('starts the core first (it stops last) and the frame loop last (its stop is the drain, first)', () => {
    const names = scopeServiceList.map((s) => s.name);
    expect(names[0]).toBe('core');
    expect(names.at(-1)).toBe('frames');
    // The HTTP server mounts the routes of the services before it.
    for (const name of ['dmx', 'midi', 'outputs', 'perform', 'inputs']) {
      expect(names.indexOf(name)).toBeLessThan(names.indexOf('http'));
    }
  });
});
