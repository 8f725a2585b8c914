// Issue 3's benchmark: the OSS emulator under the loads Skylift puts on it. Each scenario starts its own
// emulator child process over a fresh temp dir, so one scenario's data and heap don't colour the next.

import { failed, type Measurement } from '../lib/measurement.ts';
import { progress } from '../lib/progress.ts';
import { measureCompleteManyParts } from './complete-many-parts.ts';
import { measureMachineBaselines } from './machine-baselines.ts';
import { measureReceiveMemory } from './receive-memory.ts';
import { measureUploadPartThroughput } from './upload-part-throughput.ts';

export const name = 'emulator';
export const description =
  'OSS emulator: UploadPart throughput, memory while receiving 2 GiB, Complete of 10,000 parts';

const SCENARIOS: [title: string, measure: () => Promise<Measurement[]>][] = [
  ['machine baselines (hashing, disk)', measureMachineBaselines],
  ['UploadPart throughput', measureUploadPartThroughput],
  ['memory while receiving 2 GiB', measureReceiveMemory],
  ['Complete of 10,000 parts', measureCompleteManyParts],
];

export async function run(): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
  for (const [title, measure] of SCENARIOS) {
    progress(`emulator: ${title}`);
    try {
      measurements.push(...(await measure()));
    } catch (error) {
      // Keep going: one broken scenario should not hide the others' numbers.
      measurements.push(failed(title, error));
    }
  }
  return measurements;
}
