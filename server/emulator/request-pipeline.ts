// The emulator's request pipeline, layered like Azurite:
//   Host check → internal routes (/-/...) → addressing → CORS → operation selection → fault injection →
//   authentication (root key from foreign pages refused) → bucket lookup → authorization → handler →
//   persistence.
// Every failure on the way is an OssError rendered by http/exchange.ts.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from './auth/auth-types.ts';
import type { Authenticator } from './auth/authenticate.ts';
import { requestConditions } from './auth/session-policy.ts';
import { preflightCors } from './cors/cors-headers.ts';
import { OssError, ossError } from './errors.ts';
import { checkObjectName } from './handlers/object-name.ts';
import type { ObjectStoredHook, RequestValidator } from './handlers/operation-context.ts';
import { type BucketOperationName, OPERATION_HANDLERS } from './handlers/operation-handlers.ts';
import { listBuckets } from './handlers/service-handlers.ts';
import { type Address, addressCandidates } from './http/addressing.ts';
import { openExchange, sendBody, sendError } from './http/exchange.ts';
import { parseQuery } from './http/query.ts';
import type { Store } from './persistence/store.ts';
import type { InternalRoute } from './routing/internal-route.ts';
import { dispatchInternal, INTERNAL_PREFIX } from './routing/internal-routes.ts';
import { type OperationName, type OperationScope, selectOperation } from './routing/operations.ts';
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
  /** The most likely reading of the URL (addressCandidates' first): bucket and key, before authentication. */
  address: Address,
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
   * Runs before a CORS preflight (OPTIONS) is answered, with the operation its actual request will
   * be: an emulated link's latency (faults) delays preflights as a real network does.
   */
  beforePreflight?: (operation: OperationName) => Promise<void>;
  /**
   * Checks of an authorized request before its handler reads the body (the upload callback's
   * validation): a bad request is refused before anything is stored, an unauthorized one never
   * gets this far.
   */
  validateRequest?: RequestValidator;
}

function splitUrl(url: string): { rawPath: string; rawQuery: string } {
  // Absolute-form request targets (proxies) carry scheme and host; only the path matters here.
  const target = /^https?:\/\//i.test(url) ? url.replace(/^https?:\/\/[^/?]*/i, '') || '/' : url;
  const q = target.indexOf('?');
  return q < 0
    ? { rawPath: target, rawQuery: '' }
    : { rawPath: target.slice(0, q), rawQuery: target.slice(q + 1) };
}

const scopeOf = (address: Address): OperationScope =>
  address.bucket === undefined ? 'service' : address.key === '' ? 'bucket' : 'object';

/**
 * Authenticates the request as addressed by the first reading of its URL whose signature matches
 * (see addressCandidates); when none does, the first reading's error stands.
 */
async function authenticateAny(
  authenticator: Authenticator,
  method: string,
  addresses: Address[],
  rawQuery: string,
  req: IncomingMessage,
): Promise<{ principal: Principal; address: Address }> {
  let firstError: unknown;
  for (const address of addresses) {
    try {
      const principal = await authenticator.authenticate({
        method,
        bucket: address.bucket,
        key: address.key,
        rawQuery,
        headers: req.headers,
      });
      return { principal, address };
    } catch (error) {
      if (!(error instanceof OssError) || error.code !== 'SignatureDoesNotMatch') throw error;
      firstError ??= error;
    }
  }
  throw firstError;
}

/** The operation a preflight asks about (its URL and Access-Control-Request-Method); undefined if none. */
function preflightOperation(method: string, scope: OperationScope, query: ReturnType<typeof parseQuery>) {
  try {
    return selectOperation(method, scope, query, {}).name;
  } catch {
    return undefined; // not an operation: the preflight is answered all the same
  }
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
      const addresses = addressCandidates(req.headers.host, rawPath, {
        baseHosts: deps.baseHosts,
        defaultBucket: deps.defaultBucket,
        bucketExists: (name) => store.bucket(name) !== undefined,
      });
      let address = addresses[0]!;
      const corsBucket = address.bucket === undefined ? undefined : store.bucket(address.bucket);
      if (method === 'OPTIONS' && deps.beforePreflight) {
        const requested = req.headers['access-control-request-method'];
        const preflighted = requested ? preflightOperation(requested, scopeOf(address), query) : undefined;
        if (preflighted) await deps.beforePreflight(preflighted);
      }
      if (preflightCors(exchange, corsBucket?.record.cors) === 'answered') return;

      let operation = selectOperation(method, scopeOf(address), query, req.headers);
      if ((await deps.faultInjector?.(operation.name, req, res, address)) === 'handled') return;

      let principal: Principal | undefined;
      if (operation.authorization !== 'form') {
        ({ principal, address } = await authenticateAny(
          deps.authenticator,
          method,
          addresses,
          rawQuery,
          req,
        ));
        operation = selectOperation(method, scopeOf(address), query, req.headers);
        const cors = address.bucket === undefined ? undefined : store.bucket(address.bucket)?.record.cors;
        refuseRootKeyFromForeignPages(principal, req, cors);
      }
      if (address.bucket === undefined) {
        deps.authenticator.authorize(principal!, operation.action, '', '');
        await listBuckets({ ...exchange, store, query });
        return;
      }
      const bucket = store.bucket(address.bucket);
      if (!bucket) throw ossError.noSuchBucket(address.bucket);
      if (principal && operation.authorization !== 'each-key') {
        deps.authenticator.authorize(
          principal,
          operation.action,
          address.bucket,
          address.key,
          requestConditions(operation.action, query),
        );
        if (operation.setsTags && req.headers['x-oss-tagging'] !== undefined) {
          deps.authenticator.authorize(principal, 'oss:PutObjectTagging', address.bucket, address.key);
        }
      }
      if (operation.scope === 'object') checkObjectName(address.key);
      if (principal) await deps.validateRequest?.(operation.name, req, query);

      await OPERATION_HANDLERS[operation.name as BucketOperationName]({
        ...exchange,
        operation,
        address,
        bucketName: address.bucket,
        bucket,
        key: address.key,
        query,
        store,
        // Form-authenticated operations (PostObject) establish their principal themselves.
        principal: principal ?? { accessKeyId: '', kind: 'root' },
        authenticator: deps.authenticator,
        onObjectStored: deps.onObjectStored,
        validateRequest: deps.validateRequest,
      });
    })().catch((error: unknown) => sendError(exchange, error));
  };
}
