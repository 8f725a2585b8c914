// The app server: the built page and service worker (dist/) plus the token service API and, when
// Skylift signs people in itself, the sign-in routes. Stateless: every request is answered from the
// build, the configuration and what the request carries (a sign-in session is a sealed cookie), so
// any number of instances can serve behind a load balancer.
import { constants, existsSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerSecurityHeaders, type SecurityHeaderOptions } from './security-headers.ts';

export const HEALTH_PATH = '/api/health';

export interface AppServerOptions {
  distDir: string;
  /** Routes under /api, registered by their own modules (e.g. the token service). */
  api?: (app: FastifyInstance) => Promise<void> | void;
  /** Routes outside /api (the sign-in's /auth/…). */
  routes?: (app: FastifyInstance) => Promise<void> | void;
  /** What the Content-Security-Policy allows besides this origin. */
  security: SecurityHeaderOptions;
}

/** GET /api/health's answer: what a load balancer needs to know to send this instance requests. */
export interface HealthReport {
  ok: boolean;
  /** `serving`, or `stopping` once the process was asked to stop (so balancers drain it first). */
  status: 'serving' | 'stopping';
  /** The built page can be read (a deployment that lost dist/ serves nothing useful). */
  build: 'ok' | 'missing';
}

export interface AppServer {
  app: FastifyInstance;
  /** From now on the health check answers 503 `stopping`; requests are still served until close. */
  markStopping(): void;
}

export async function createAppServer(options: AppServerOptions): Promise<AppServer> {
  const root = resolve(options.distDir);
  const index = resolve(root, 'index.html');
  if (!existsSync(index)) {
    throw new Error(`No build in ${root}: run "npm run build" first`);
  }
  let stopping = false;
  const app = Fastify({ logger: false });
  await registerSecurityHeaders(app, options.security);
  await app.register(cookie);
  await app.register(fastifyStatic, {
    root,
    // The worker script and the shell must be revalidated on every load, or updates never arrive;
    // hashed assets can be cached for good.
    setHeaders(reply, path) {
      if (/\/assets\//.test(path)) reply.header('Cache-Control', 'public, max-age=31536000, immutable');
      else reply.header('Cache-Control', 'no-cache');
    },
  });
  if (options.routes) await app.register(async (scope) => options.routes?.(scope));
  if (options.api) await app.register(async (scope) => options.api?.(scope), { prefix: '/api' });
  // Configuration was loaded and checked before the server started (it does not start otherwise); what
  // can change while it runs is the build on disk and whether the process is shutting down. STS and
  // the sign-in provider are not probed: their outage would take every instance out of rotation at
  // once, and no instance could do better than another.
  app.get(HEALTH_PATH, async (_request, reply) => {
    const build = await access(index, constants.R_OK).then(
      () => 'ok' as const,
      () => 'missing' as const,
    );
    const report: HealthReport = {
      ok: !stopping && build === 'ok',
      status: stopping ? 'stopping' : 'serving',
      build,
    };
    return reply
      .code(report.ok ? 200 : 503)
      .header('Cache-Control', 'no-store')
      .send(report);
  });
  // Client-side routes load the shell; unknown API paths and files stay 404.
  app.setNotFoundHandler((request, reply) => {
    const wantsPage = request.method === 'GET' && (request.headers.accept ?? '').includes('text/html');
    if (wantsPage && !request.url.startsWith('/api/')) return reply.sendFile('index.html');
    return reply.code(404).send({ error: 'Not found', path: request.url });
  });
  return {
    app,
    markStopping: () => {
      stopping = true;
    },
  };
}
