import { join } from 'node:path';

/** The repository's root: where `npm` scripts run and the CLIs under test are started from. */
export const REPO_ROOT = join(import.meta.dirname, '../..');
