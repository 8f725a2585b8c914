// Emulator-internal endpoints under `/-/`, handled before any bucket addressing or OSS authentication
// (no bucket may be named "-", so they can never shadow an OSS request). Add new ones to the table.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { BUCKET_NAME } from '../../../lib/oss/bucket-name.ts';
import { PERMISSIVE_CORS_RULE } from '../cors/cors-config.ts';
import { ossError } from '../errors.ts';
import { type Exchange, sendBody, sendEmpty } from '../http/exchange.ts';
import type { Query } from '../http/query.ts';
import type { Store } from '../persistence/store.ts';
import { localToolsOnly, notFromPages } from '../security/local-tools-only.ts';
import type { InternalRoute } from './internal-route.ts';

export const INTERNAL_PREFIX = '/-/';

export interface InternalRouteDeps {
  store: Store;
  /** The STS AssumeRole endpoint, which writes its own (STS-format) responses. */
  sts: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}

export function defaultInternalRoutes({ store, sts }: InternalRouteDeps): InternalRoute[] {
  // Credentials for the asking: only the token service (and scripts) call it, never a page.
  const stsRoute = (method: string): InternalRoute =>
    notFromPages({
      method,
      path: /^sts\/?$/,
      handle: ({ exchange }) => sts(exchange.req, exchange.res),
    });
  return [
    stsRoute('GET'),
    stsRoute('POST'),
    {
      method: 'GET',
      path: /^health$/,
      handle: async ({ exchange }) =>
        sendBody(
          exchange,
          200,
          'application/json',
          JSON.stringify({ status: 'ok', buckets: store.bucketNames() }),
        ),
    },
    localToolsOnly({
      method: 'PUT',
      path: /^admin\/buckets\/([^/]+)$/,
      handle: async ({ exchange, params, query }) => {
        const name = params[0]!;
        if (!BUCKET_NAME.test(name)) throw ossError.invalidBucketName(name);
        const permissive = query.get('cors') === 'permissive';
        await store.createBucket(
          name,
          permissive ? { cors: { rules: [PERMISSIVE_CORS_RULE], responseVary: false } } : {},
        );
        sendEmpty(exchange, 200);
      },
    }),
    localToolsOnly({
      method: 'DELETE',
      path: /^admin\/buckets\/([^/]+)$/,
      handle: async ({ exchange, params }) => {
        await store.deleteBucket(params[0]!);
        sendEmpty(exchange, 204);
      },
    }),
  ];
}

/** Runs the first route matching method and path; false when none does (the caller answers 404). */
export async function dispatchInternal(
  routes: readonly InternalRoute[],
  exchange: Exchange,
  path: string,
  query: Query,
): Promise<boolean> {
  for (const route of routes) {
    const match = route.path.exec(path);
    if (!match) continue;
    if (route.method !== exchange.req.method) continue;
    await route.handle({ exchange, path, query, params: match.slice(1) });
    return true;
  }
  return false;
}
