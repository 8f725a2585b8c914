// The production start: `npm run build` compiles this server into dist-server/ and the page into
// dist/; `npm run start:prod` runs `node dist-server/server/serve.js` with NODE_ENV=production.
// Plain node on compiled JavaScript: no TypeScript loader, no Vite, no emulator at run time, and the
// dev dependencies need not be installed (`npm ci --omit=dev`). It serves real OSS only.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { runServer, startFailure } from './app/run-server.ts';
import { ConfigError, loadConfig } from './config/config.ts';

/** dist/ next to dist-server/ (compiled), or next to server/ (run from source in tests). */
function findDist(): string {
  for (const candidate of ['../../dist', '../dist']) {
    const dir = resolve(import.meta.dirname, candidate);
    if (existsSync(resolve(dir, 'index.html'))) return dir;
  }
  throw new ConfigError('No built page (dist/index.html): run "npm run build" before starting');
}

try {
  const config = loadConfig();
  if (config.emulator) {
    throw new ConfigError(
      'The production start serves real OSS: set OSS_ENDPOINT and the variables in docs/real-oss.md (npm start runs the emulator for local use)',
    );
  }
  await runServer({ config, distDir: findDist() });
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`Configuration error: ${error.message}`);
    process.exit(2);
  }
  const failure = startFailure(error);
  if (failure === undefined) throw error;
  console.error(failure);
  process.exit(2);
}
