// Every benchmark suite, in the order `npm run bench` runs them. Loaded lazily so that running one suite
// doesn't import another's heavy dependencies (Playwright for the browser suite).

import type { Suite } from './lib/suite.ts';

/** Suites that run only when named (`npm run bench -- no-page`): half an hour of wall time. */
export const ON_DEMAND = ['no-page'];

export const SUITES: Record<string, () => Promise<Suite>> = {
  emulator: () => import('./emulator/suite.ts'),
  app: () => import('./app/suite.ts'),
  link: () => import('./link/suite.ts'),
  'no-page': () => import('./no-page/suite.ts'),
};
