// startEmulator(): a local Alibaba Cloud OSS on node:http, with its data under dataDir.

import { createServer, STATUS_CODES } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { EMULATOR_DEFAULTS } from '../config/emulator-defaults.ts';
import { type Authenticator, createAuthenticator } from './auth/authenticate.ts';
import { createStsHandler } from './auth/sts-handler.ts';
import { PERMISSIVE_CORS_RULE } from './cors/cors-config.ts';
import { type OssError, ossError } from './errors.ts';
import type { ObjectStoredHook } from './handlers/operation-context.ts';
import { renderErrorXml } from './http/exchange.ts';
import { newRequestId } from './http/request-id.ts';
import { type SweepResult, sweepLifecycle } from './lifecycle/sweep-lifecycle.ts';
import { Store } from './persistence/store.ts';
import { createRequestListener, type FaultInjector } from './request-pipeline.ts';
import { defaultInternalRoutes, type InternalRoute } from './routing/internal-routes.ts';

export type { Authenticator } from './auth/authenticate.ts';
export type { ObjectStoredEvent, ObjectStoredHook } from './handlers/operation-context.ts';
export type { FaultInjector } from './request-pipeline.ts';
export type { InternalRoute } from './routing/internal-routes.ts';

export interface EmulatorOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  dataDir?: string;
  /** Bucket for requests whose Host and path name none (ali-oss `cname: true` / IP endpoints). */
  defaultBucket?: string;
  /** Created at start (if missing) with the permissive CORS rule. */
  createBuckets?: string[];
  accessKeyId?: string;
  accessKeySecret?: string;
  /** Seals STS tokens; shared by the STS endpoint and the authenticator. Defaults to the root secret. */
  tokenSecret?: string;
  /** Replaces the real signature checks (tests of the handlers only). */
  authenticator?: Authenticator;
  /** Emulator clock, ms since the epoch: Date headers, request ids, LastModified, lifecycle, STS. */
  now?: () => number;
  stsMinDurationSeconds?: number;
  /** How often lifecycle rules run; default one minute. */
  lifecycleSweepIntervalMs?: number;
  onObjectStored?: ObjectStoredHook;
  faultInjector?: FaultInjector;
  /** Extra `/-/` endpoints, matched before the built-in ones. */
  internalRoutes?: InternalRoute[];
}

export interface RunningEmulator {
  url: string;
  port: number;
  close(): Promise<void>;
  /** Applies lifecycle rules now (or at `now`), as the periodic sweep does. */
  sweepLifecycle(now?: number): Promise<SweepResult>;
}

/** Node's default is 16 KiB; OSS allows 8 KiB of user metadata on top of a long STS token and a V4 signature. */
export const MAX_HEADER_BYTES = 32 * 1024;

/**
 * Malformed requests never reach the request listener. Answer them in OSS's error format rather than
 * Node's bare 400/431, so clients get a parseable error (e.g. RequestHeaderTooLarge).
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket, now: () => number): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const ossErr: OssError =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? ossError.requestHeaderTooLarge()
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? ossError.badRequest(
            'Your socket connection to the server was not read from or written to within the timeout period.',
          )
        : ossError.badRequest('The HTTP request could not be parsed.');
  const requestId = newRequestId(now());
  const body = Buffer.from(renderErrorXml(ossErr, requestId, ''), 'utf8');
  const head = [
    `HTTP/1.1 ${ossErr.status} ${STATUS_CODES[ossErr.status]}`,
    'Server: AliyunOSS',
    `Date: ${new Date(now()).toUTCString()}`,
    'Content-Type: application/xml',
    `Content-Length: ${body.length}`,
    'Connection: close',
    `x-oss-request-id: ${requestId}`,
    ...(ossErr.ec ? [`x-oss-ec: ${ossErr.ec}`] : []),
  ].join('\r\n');
  socket.end(Buffer.concat([Buffer.from(`${head}\r\n\r\n`), body]));
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const now = options.now ?? Date.now;
  const host = options.host ?? EMULATOR_DEFAULTS.host;
  const rootAccessKeyId = options.accessKeyId ?? EMULATOR_DEFAULTS.accessKeyId;
  const rootAccessKeySecret = options.accessKeySecret ?? EMULATOR_DEFAULTS.accessKeySecret;
  const store = await Store.open(options.dataDir ?? EMULATOR_DEFAULTS.dataDir, now);
  for (const name of options.createBuckets ?? []) {
    if (!store.bucket(name))
      await store.createBucket(name, { cors: { rules: [PERMISSIVE_CORS_RULE], responseVary: false } });
  }
  const authenticator =
    options.authenticator ??
    createAuthenticator({ rootAccessKeyId, rootAccessKeySecret, tokenSecret: options.tokenSecret, now });
  const sts = createStsHandler({
    rootAccessKeyId,
    rootAccessKeySecret,
    tokenSecret: options.tokenSecret,
    now,
    minDurationSeconds: options.stsMinDurationSeconds,
  });

  const server = createServer(
    {
      maxHeaderSize: MAX_HEADER_BYTES,
      // Headers must arrive promptly, but a 5 GB part over a slow link may legitimately take hours, so
      // there is no whole-request deadline; a stalled connection is cut by the idle timeout below.
      headersTimeout: 30_000,
      requestTimeout: 0,
      keepAlive: true,
    },
    createRequestListener({
      store,
      authenticator,
      now,
      baseHosts: [...new Set(['localhost', host.toLowerCase()])],
      defaultBucket: options.defaultBucket,
      internalRoutes: [...(options.internalRoutes ?? []), ...defaultInternalRoutes({ store, sts })],
      onObjectStored: options.onObjectStored,
      faultInjector: options.faultInjector,
    }),
  );
  server.timeout = 120_000;
  // Longer than browsers' idle-connection reuse window, so ali-oss's parallel parts reuse sockets.
  server.keepAliveTimeout = 65_000;
  server.on('clientError', (error, socket) => answerClientError(error, socket as Socket, now));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? EMULATOR_DEFAULTS.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const sweep = (at = now()) => sweepLifecycle(store, at);
  const timer = setInterval(() => {
    sweep().catch((error: unknown) => console.error('[oss-emulator] lifecycle sweep failed', error));
  }, options.lifecycleSweepIntervalMs ?? 60_000);
  timer.unref();

  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    sweepLifecycle: sweep,
    close: async () => {
      clearInterval(timer);
      const closed = new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
      server.closeAllConnections();
      await closed;
    },
  };
}
