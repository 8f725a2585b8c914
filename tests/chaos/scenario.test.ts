// A run's seed is all it takes to replay it: the scenario is a pure function of the seed and options.
import { describe, expect, it } from 'vitest';
import { runSeeds } from '../../chaos/dice.ts';
import { generateScenario, MB, type ScenarioOptions } from '../../chaos/scenario.ts';
import { MULTIPART_THRESHOLD } from '../../lib/upload-plan/part-plan.ts';

const OPTIONS: ScenarioOptions = { maxFileBytes: 300 * MB, maxRunBytes: 1200 * MB, steps: 16 };

describe('generateScenario', () => {
  it('gives the same scenario for the same seed, and another for another seed', () => {
    expect(generateScenario(42, OPTIONS)).toEqual(generateScenario(42, OPTIONS));
    expect(generateScenario(43, OPTIONS)).not.toEqual(generateScenario(42, OPTIONS));
  });

  it('hands every file over exactly once, first at step 1 or 2, and keeps sizes within the bounds', () => {
    const sizes = new Set<string>();
    for (let seed = 1; seed <= 300; seed++) {
      const scenario = generateScenario(seed, { ...OPTIONS, maxFileBytes: 40 * MB });
      const handedOver = scenario.steps.flatMap((s) => (s.action.kind === 'enqueue' ? s.action.files : []));
      expect(handedOver.sort((a, b) => a - b)).toEqual(scenario.files.map((f) => f.index));
      const first = scenario.steps.findIndex((s) => s.action.kind === 'enqueue');
      expect(first).toBeLessThanOrEqual(1);
      expect(scenario.steps).toHaveLength(16);
      expect(scenario.steps.map((s) => s.index)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
      for (const file of scenario.files) {
        expect(file.size).toBeGreaterThanOrEqual(0);
        expect(file.size).toBeLessThanOrEqual(40 * MB);
        sizes.add(file.size === 0 ? 'empty' : file.size < MULTIPART_THRESHOLD ? 'put' : 'multipart');
      }
    }
    // Across seeds, every kind of file appears.
    expect([...sizes].sort()).toEqual(['empty', 'multipart', 'put']);
  });

  it('mixes every kind of step across seeds', () => {
    const kinds = new Set<string>();
    for (let seed = 1; seed <= 200; seed++) {
      for (const step of generateScenario(seed, OPTIONS).steps) {
        kinds.add(step.action.kind === 'command' ? `command ${step.action.command}` : step.action.kind);
      }
    }
    expect([...kinds].sort()).toEqual([
      'clear-faults',
      'close-page',
      'command abort',
      'command pause',
      'command resume',
      'command retry',
      'enqueue',
      'faults',
      'kill-browser',
      'kill-emulator',
      'offline',
      'online',
      'open-page',
      'relaunch-browser',
      'restart-emulator',
      'stop-workers',
    ]);
  });

  it('keeps a run within its byte budget', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const total = generateScenario(seed, { ...OPTIONS, maxRunBytes: 500 * MB }).files.reduce(
        (sum, f) => sum + f.size,
        0,
      );
      expect(total).toBeLessThanOrEqual(500 * MB);
    }
  });
});

describe('runSeeds', () => {
  it('starts with the given seed, so a run is replayed by passing its own seed', () => {
    const firstThree = () => {
      const seeds = runSeeds(7);
      return [seeds.next().value, seeds.next().value, seeds.next().value];
    };
    const [first, second] = firstThree();
    expect(first).toBe(7);
    expect(second).not.toBe(7);
    expect(firstThree()).toEqual(firstThree());
  });
});
