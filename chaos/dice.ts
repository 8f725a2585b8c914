// The one source of randomness of a chaos run: every choice a scenario makes (file sizes and bytes,
// steps, waits, fault settings and their own seeds) comes from these dice, so a run's seed replays it
// step for step. The generator is the emulator's own seeded one (mulberry32).

import { seededRandom } from '../server/emulator/faults/seeded-random.ts';

/** Seeds are positive 31-bit integers: short to type, and valid as the emulator's fault seed. */
export const MAX_SEED = 0x7fffffff;

export class Dice {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = seededRandom(seed);
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next();
  }

  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Log-uniform integer in [min, max]: as many small values as large ones, per order of magnitude. */
  logInt(min: number, max: number): number {
    const low = Math.log(Math.max(1, min));
    const high = Math.log(Math.max(1, max) + 1);
    return Math.min(max, Math.max(min, Math.floor(Math.exp(low + this.next() * (high - low)))));
  }

  /** Uniform in [min, max). */
  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick() from nothing');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** One of the entries, each as likely as its weight; entries of weight 0 never. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    if (total <= 0) throw new Error('weighted() needs a positive weight');
    let roll = this.next() * total;
    for (const [value, weight] of entries) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return entries.findLast(([, weight]) => weight > 0)![0];
  }

  /** A fresh seed for something that seeds itself (a fault config, a file's bytes). */
  seed(): number {
    return 1 + Math.floor(this.next() * (MAX_SEED - 1));
  }
}

/**
 * The seeds of consecutive runs: the first run's is `seed` itself, so `--seed <a run's seed> --runs 1`
 * replays exactly that run; later ones are drawn from it.
 */
export function* runSeeds(seed: number): Generator<number> {
  const dice = new Dice(seed);
  yield seed;
  for (;;) yield dice.seed();
}
