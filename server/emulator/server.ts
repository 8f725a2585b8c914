// startEmulator(): a local Alibaba Cloud OSS on node:http, with its data under dataDir.

import { createServer, type Server, STATUS_CODES } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { EMULATOR_DEFAULTS } from '../config/emulator-defaults.ts';
import { hostAllowList } from '../net/host-allow-list.ts';
import { checkOriginPattern } from '../net/origin-pattern.ts';
import { type Authenticator, createAuthenticator } from './auth/authenticate.ts';
import { createStsHandler } from './auth/sts-handler.ts';
import { createUploadCallbacks } from './callback/upload-callback.ts';
import { applyEmulatorCors } from './cors/emulator-cors.ts';
import { type OssError, ossError } from './errors.ts';
import { faultAdminRoutes } from './faults/admin-routes.ts';
import type { FaultConfig } from './faults/fault-config.ts';
import { createFaultInjection, type FaultInjection } from './faults/fault-injection.ts';
import { fenceStore, type StoreFence } from './faults/store-fence.ts';
import type { ObjectStoredHook } from './handlers/operation-context.ts';
import { renderErrorXml } from './http/exchange.ts';
import { newRequestId } from './http/request-id.ts';
import { type SweepResult, sweepLifecycle } from './lifecycle/sweep-lifecycle.ts';
import { lockDataDir } from './persistence/data-dir-lock.ts';
import { Store } from './persistence/store.ts';
import { createRequestListener, type FaultInjector } from './request-pipeline.ts';
import type { InternalRoute } from './routing/internal-route.ts';
import { defaultInternalRoutes } from './routing/internal-routes.ts';
import { isEmulatorHost } from './security/foreign-host.ts';

export type { Authenticator } from './auth/authenticate.ts';
export type { FaultConfig } from './faults/fault-config.ts';
export type { FaultCounters, FaultInjection, FaultState } from './faults/fault-injection.ts';
export type { ObjectStoredEvent, ObjectStoredHook } from './handlers/operation-context.ts';
export { DataDirLockedError } from './persistence/data-dir-lock.ts';
export type { FaultInjector } from './request-pipeline.ts';
export type { InternalRoute } from './routing/internal-route.ts';

export interface EmulatorOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** One emulator per directory: another one on it makes startEmulator throw DataDirLockedError. */
  dataDir?: string;
  /** Bucket for requests whose Host and path name none (ali-oss `cname: true` / IP endpoints). */
  defaultBucket?: string;
  /** Created at start if missing, with a CORS rule for `corsOrigins` (cors/emulator-cors.ts). */
  createBuckets?: string[];
  /**
   * Origins of the pages that may use `createBuckets` from a browser: the app's. Default: the app at
   * its default address (EMULATOR_DEFAULTS.corsOrigins); `['*']` lets every web page in.
   */
  corsOrigins?: string[];
  /**
   * Host names (and IP literals) requests may address besides localhost, *.localhost, loopback IPs
   * and `host`; a name's subdomains are allowed too (virtual-host buckets). Anything else is refused
   * (DNS rebinding protection).
   */
  allowedHosts?: string[];
  /**
   * Loopback/private IP addresses and CIDR ranges upload callbacks may call (e.g. `127.0.0.1` for an
   * app server on this machine); other non-public addresses are refused (callback/callback-targets.ts).
   */
  callbackAllowedNetworks?: string[];
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
  /** Runs before the upload callback (if any) is delivered; 'handled' skips the callback. */
  onObjectStored?: ObjectStoredHook;
  /** Runs before the built-in fault injection (`faults`) and upload-callback validation. */
  faultInjector?: FaultInjector;
  /** Faults injected from the start; switchable at runtime with `faults.configure` or PUT /-/admin/faults. */
  faults?: FaultConfig;
  /** How long an upload callback's app server has to answer (OSS: 5000 ms). */
  callbackTimeoutMs?: number;
  /** Extra `/-/` endpoints, matched before the built-in ones. */
  internalRoutes?: InternalRoute[];
}

export interface RunningEmulator {
  url: string;
  port: number;
  close(): Promise<void>;
  /** Applies lifecycle rules now (or at `now`), as the periodic sweep does. */
  sweepLifecycle(now?: number): Promise<SweepResult>;
  /**
   * Restarts in-process as after a crash: every connection is cut mid-request, the store is re-opened
   * from disk (startup recovery runs) and the emulator listens again on the same port. Same as
   * POST /-/admin/restart.
   */
  restart(): Promise<void>;
  /** The fault switchboard, same as /-/admin/faults. */
  faults: FaultInjection;
  /**
   * Replaces `corsOrigins` and applies them to the `createBuckets` buckets now, e.g. once the app they
   * serve listens on a port picked at start.
   */
  setCorsOrigins(origins: string[]): Promise<void>;
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

/** One listening server over one opened store; a restart replaces it with a fresh one. */
interface Instance {
  server: Server;
  fence: StoreFence;
  /** Open connections, so a restart can cut them as a crash would. */
  sockets: Set<Socket>;
}

/** How long a restart lets the old instance's started writes finish before sealing its store. */
const RESTART_DRAIN_MS = 5000;

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** After a restart the old listening socket may take a moment to let go of the port. */
async function listenAgain(server: Server, port: number, host: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await listen(server, port, host);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const now = options.now ?? Date.now;
  const host = options.host ?? EMULATOR_DEFAULTS.host;
  const dataDir = options.dataDir ?? EMULATOR_DEFAULTS.dataDir;
  const rootAccessKeyId = options.accessKeyId ?? EMULATOR_DEFAULTS.accessKeyId;
  const rootAccessKeySecret = options.accessKeySecret ?? EMULATOR_DEFAULTS.accessKeySecret;
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
  let url = '';
  let corsOrigins = (options.corsOrigins ?? [...EMULATOR_DEFAULTS.corsOrigins]).map(checkOriginPattern);
  const hosts = hostAllowList([host, ...(options.allowedHosts ?? [])]);
  const faults = createFaultInjection(options.faults);
  const callbacks = createUploadCallbacks({
    dataDir,
    baseUrl: () => url,
    timeoutMs: options.callbackTimeoutMs,
    allowedNetworks: options.callbackAllowedNetworks,
  });
  // Before the operation: the caller's hook, then injected faults (the upload callback is validated
  // later, once the request is authorized).
  const faultInjector: FaultInjector = async (operation, req, res, address) => {
    if ((await options.faultInjector?.(operation, req, res, address)) === 'handled') return 'handled';
    return faults.inject(operation, req, res, address);
  };
  const onObjectStored: ObjectStoredHook = async (event) =>
    (await options.onObjectStored?.(event)) === 'handled' ? 'handled' : callbacks.onObjectStored(event);
  const adminRoutes = faultAdminRoutes({ faults, restart: (spare) => restart(spare) });

  async function openInstance(port: number, portMayBeBusy: boolean): Promise<Instance> {
    const fence = fenceStore(await Store.open(dataDir, now));
    const store = fence.store;
    for (const name of options.createBuckets ?? []) await applyEmulatorCors(store, name, corsOrigins);
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
        isAllowedHost: (hostHeader) => isEmulatorHost(hosts, hostHeader),
        authenticator,
        now,
        baseHosts: [...new Set(['localhost', host.toLowerCase(), ...hosts.names])],
        defaultBucket: options.defaultBucket,
        internalRoutes: [
          ...(options.internalRoutes ?? []),
          ...callbacks.routes,
          ...adminRoutes,
          ...defaultInternalRoutes({ store, sts }),
        ],
        onObjectStored,
        faultInjector,
        beforePreflight: (operation) => faults.delayPreflight(operation),
        validateRequest: callbacks.check,
      }),
    );
    server.timeout = 120_000;
    // Longer than browsers' idle-connection reuse window, so ali-oss's parallel parts reuse sockets.
    server.keepAliveTimeout = 65_000;
    server.on('clientError', (error, socket) => answerClientError(error, socket as Socket, now));
    const sockets = new Set<Socket>();
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    await (portMayBeBusy ? listenAgain : listen)(server, port, host);
    return { server, fence, sockets };
  }

  // Held until close(), across restarts: nothing touches the data dir before it is ours.
  const lock = await lockDataDir(dataDir);
  let instance: Instance;
  try {
    instance = await openInstance(options.port ?? EMULATOR_DEFAULTS.port, false);
  } catch (error) {
    await lock.release();
    throw error;
  }
  const { port } = instance.server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  url = `http://${urlHost}:${port}`;

  // Restarts and close() run one at a time.
  let closed = false;
  let transition: Promise<unknown> = Promise.resolve();
  const serialized = (task: () => Promise<void>): Promise<void> => {
    const run = transition.then(task);
    transition = run.catch(() => undefined);
    return run;
  };

  function restart(spare?: Socket): Promise<void> {
    return serialized(async () => {
      if (closed) throw new Error('the emulator is closed');
      const old = instance;
      old.server.close(); // stop accepting; the spared connection closes after its answer
      for (const socket of old.sockets) if (socket !== spare) socket.destroy();
      await old.fence.seal(RESTART_DRAIN_MS);
      instance = await openInstance(port, true);
    });
  }

  const sweep = (at = now()) => sweepLifecycle(instance.fence.store, at);
  const timer = setInterval(() => {
    sweep().catch((error: unknown) => console.error('[oss-emulator] lifecycle sweep failed', error));
  }, options.lifecycleSweepIntervalMs ?? 60_000);
  timer.unref();

  return {
    url,
    port,
    sweepLifecycle: sweep,
    restart: () => restart(),
    faults,
    setCorsOrigins: (origins) =>
      serialized(async () => {
        corsOrigins = origins.map(checkOriginPattern);
        for (const name of options.createBuckets ?? []) {
          await applyEmulatorCors(instance.fence.store, name, corsOrigins);
        }
      }),
    close: () =>
      serialized(async () => {
        if (closed) return;
        closed = true;
        clearInterval(timer);
        const { server } = instance;
        const done = new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
        server.closeAllConnections();
        try {
          await done;
        } finally {
          // Handlers of the cut connections may still be writing: the next holder must not see them.
          await instance.fence.seal(RESTART_DRAIN_MS);
          await lock.release();
        }
      }),
  };
}
