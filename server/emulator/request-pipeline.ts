// The emulator's request pipeline, layered like Azurite:
//   Host check → internal routes (/-/...) → addressing → CORS → operation selection → fault injection →
//   authentication (root key from foreign pages refused) → bucket lookup → authorization → handler →
//   persistence.
// Every failure on the way is an OssError rendered by http/exchange.ts.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authenticator } from './auth/authenticate.ts';
import { preflightCors } from './cors/cors-headers.ts';
import { ossError } from './errors.ts';
import type { ObjectStoredHook } from './handlers/operation-context.ts';
import { OPERATION_HANDLERS } from './handlers/operation-handlers.ts';
import { resolveAddress } from './http/addressing.ts';
import { openExchange, sendBody, sendError } from './http/exchange.ts';
import { parseQuery, type Query } from './http/query.ts';
import type { Store } from './persistence/store.ts';
import { dispatchInternal, INTERNAL_PREFIX, type InternalRoute } from './routing/internal-routes.ts';
import { type OperationName, selectOperation } from './routing/operations.ts';
import { refuseForeignHost } from './security/foreign-host.ts';
import { refuseRootKeyFromForeignPages } from './security/root-key-from-pages.ts';

/**
 * Runs after the operation is known and before authentication, so a fault can hit any request,
 * signed or not. Return 'handled' after writing a response (or destroying the socket) to skip the
 * operation; anything else lets the request through.
 */
export type FaultInjector = (
  operation: OperationName,
  req: IncomingMessage,
  res: ServerResponse,
) => Promise<'handled' | undefined>;

export interface PipelineDeps {
  store: Store;
  /** Whether a Host header names this emulator: checked first on every route (DNS rebinding). */
  isAllowedHost(host: string | undefined): boolean;
  authenticator: Authenticator;
  now: () => number;
  /** Host names under which `<bucket>.<host>` is virtual-host addressing. */
  baseHosts: readonly string[];
  defaultBucket: string | undefined;
  internalRoutes: readonly InternalRoute[];
  onObjectStored?: ObjectStoredHook;
  faultInjector?: FaultInjector;
  /**
   * Checks of an authorized request before its handler reads the body (the upload callback's
   * validation): a bad request is refused before anything is stored, an unauthorized one never
   * gets this far.
   */
  validateRequest?: RequestValidator;
}

export type RequestValidator = (
  operation: OperationName,
  req: IncomingMessage,
  query: Query,
) => Promise<void>;

/** OSS object names: 1..1023 UTF-8 bytes, not starting with / or \ (§1.7). */
function checkObjectName(key: string): void {
  if (Buffer.byteLength(key, 'utf8') > 1023 || key.startsWith('/') || key.startsWith('\\')) {
    throw ossError.invalidObjectName();
  }
}

function splitUrl(url: string): { rawPath: string; rawQuery: string } {
  // Absolute-form request targets (proxies) carry scheme and host; only the path matters here.
  const target = /^https?:\/\//i.test(url) ? url.replace(/^https?:\/\/[^/?]*/i, '') || '/' : url;
  const q = target.indexOf('?');
  return q < 0
    ? { rawPath: target, rawQuery: '' }
    : { rawPath: target.slice(0, q), rawQuery: target.slice(q + 1) };
}

export function createRequestListener(
  deps: PipelineDeps,
): (req: IncomingMessage, res: ServerResponse) => void {
  const { store } = deps;
  return (req, res) => {
    const exchange = openExchange(req, res, deps.now());
    void (async () => {
      const method = req.method ?? 'GET';
      const { rawPath, rawQuery } = splitUrl(req.url ?? '/');
      if (!deps.isAllowedHost(req.headers.host)) {
        refuseForeignHost(exchange, rawPath.startsWith(INTERNAL_PREFIX));
        return;
      }
      if (rawPath.startsWith(INTERNAL_PREFIX)) {
        const path = rawPath.slice(INTERNAL_PREFIX.length);
        if (!(await dispatchInternal(deps.internalRoutes, exchange, path, parseQuery(rawQuery)))) {
          sendBody(
            exchange,
            404,
            'application/json',
            JSON.stringify({ error: `no emulator endpoint ${method} ${rawPath}` }),
          );
        }
        return;
      }

      const query = parseQuery(rawQuery);
      const address = resolveAddress(req.headers.host, rawPath, {
        baseHosts: deps.baseHosts,
        defaultBucket: deps.defaultBucket,
        bucketExists: (name) => store.bucket(name) !== undefined,
      });
      const bucket = address.bucket === undefined ? undefined : store.bucket(address.bucket);
      if (preflightCors(exchange, bucket?.record.cors) === 'answered') return;

      if (address.bucket === undefined) throw ossError.methodNotAllowed(method, 'Service');
      const operation = selectOperation(method, address.key !== '', query);
      if (!operation) throw ossError.methodNotAllowed(method, address.key === '' ? 'Bucket' : 'Object');
      if ((await deps.faultInjector?.(operation.name, req, res)) === 'handled') return;

      const principal = await deps.authenticator.authenticate({
        method,
        bucket: address.bucket,
        key: address.key,
        rawQuery,
        headers: req.headers,
      });
      refuseRootKeyFromForeignPages(principal, req, bucket?.record.cors);
      if (!bucket) throw ossError.noSuchBucket(address.bucket);
      deps.authenticator.authorize(principal, operation.action, address.bucket, address.key);
      if (operation.scope === 'object') checkObjectName(address.key);
      await deps.validateRequest?.(operation.name, req, query);

      await OPERATION_HANDLERS[operation.name]({
        ...exchange,
        operation,
        address,
        bucketName: address.bucket,
        bucket,
        key: address.key,
        query,
        store,
        principal,
        onObjectStored: deps.onObjectStored,
      });
    })().catch((error: unknown) => sendError(exchange, error));
  };
}
