// The contract between the runner and a benchmark suite, and what one run of a suite leaves behind.

import type { Environment } from './environment.ts';
import type { JudgedMeasurement, Measurement } from './measurement.ts';

/**
 * A suite module exports these (`import * as suite from './x/suite.ts'` satisfies the type). run()
 * owns everything it starts (servers, browsers, temp dirs) and stops it before returning or throwing.
 */
export interface Suite {
  /** What `npm run bench -- <name>` selects; also the results file prefix. */
  name: string;
  description: string;
  run(): Promise<Measurement[]>;
}

export interface SuiteResult {
  suite: string;
  startedAt: string;
  durationSeconds: number;
  environment: Environment;
  measurements: JudgedMeasurement[];
  /** Set when run() itself threw; measurements then holds nothing. */
  error?: string;
}
