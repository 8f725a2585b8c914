// The app server: the built page and service worker (dist/) plus the token service API.
// Stateless: every request is answered from the build and the configuration.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';

export interface AppServerOptions {
  distDir: string;
  /** Routes under /api, registered by their own modules (e.g. the token service). */
  api?: (app: FastifyInstance) => Promise<void> | void;
}

export async function createAppServer(options: AppServerOptions): Promise<FastifyInstance> {
  const root = resolve(options.distDir);
  if (!existsSync(resolve(root, 'index.html'))) {
    throw new Error(`No build in ${root}: run "npm run build" first`);
  }
  const app = Fastify({ logger: false });
  await app.register(fastifyStatic, {
    root,
    // The worker script and the shell must be revalidated on every load, or updates never arrive;
    // hashed assets can be cached for good.
    setHeaders(reply, path) {
      if (/\/assets\//.test(path)) reply.header('Cache-Control', 'public, max-age=31536000, immutable');
      else reply.header('Cache-Control', 'no-cache');
    },
  });
  if (options.api) await app.register(async (scope) => options.api?.(scope), { prefix: '/api' });
  app.get('/api/health', async () => ({ ok: true }));
  // Client-side routes load the shell; unknown API paths and files stay 404.
  app.setNotFoundHandler((request, reply) => {
    const wantsPage = request.method === 'GET' && (request.headers.accept ?? '').includes('text/html');
    if (wantsPage && !request.url.startsWith('/api/')) return reply.sendFile('index.html');
    return reply.code(404).send({ error: 'Not found', path: request.url });
  });
  return app;
}
