// Upload callbacks (OSS API reference: "Callback"), wired into the pipeline's two hooks:
//   1. before the operation runs, the callback configuration is validated, so a bad one is refused with
//      400 before any byte is stored (OSS rejects such a request outright);
//   2. once the object is stored, the callback is POSTed and its answer replaces the response: 200 with
//      the app server's JSON, or 203 CallbackFailed (the object stays stored either way).
// The public half of the signing key is served at `/-/callback-public-key.pem`, the URL that the
// callback's x-oss-pub-key-url names. Real verifiers only trust `gosspublic.alicdn.com`, so an app
// server under test must accept the emulator's key URL (e.g. by configuration) to verify signatures.

import type { IncomingMessage } from 'node:http';
import { renderCallbackBody } from '../../../lib/oss/callback-body.ts';
import { ossError } from '../errors.ts';
import type { ObjectStoredEvent, ObjectStoredHook, RequestValidator } from '../handlers/operation-context.ts';
import { sendBody, sendError } from '../http/exchange.ts';
import type { InternalRoute } from '../routing/internal-route.ts';
import { type CallbackRequest, readCallbackRequest } from './callback-request.ts';
import { callbackAuthorization, callbackSigningKey } from './callback-signing-key.ts';
import { callbackTargets } from './callback-targets.ts';
import { systemVariables } from './callback-variables.ts';
import { type CallbackOutcome, DEFAULT_CALLBACK_TIMEOUT_MS, postCallback } from './deliver-callback.ts';

/** Path (after `/-/`) of the public key, as named by x-oss-pub-key-url. */
export const CALLBACK_PUBLIC_KEY_PATH = 'callback-public-key.pem';

export interface UploadCallbackOptions {
  /** Where the signing key is kept. */
  dataDir: string;
  /** The emulator's base URL (known once it listens), which the app server fetches the key from. */
  baseUrl: () => string;
  /** How long the app server has to answer; OSS's 5 s by default. */
  timeoutMs?: number;
  /** Loopback/private IP addresses and CIDR ranges callbacks may reach (callback-targets.ts); none by default. */
  allowedNetworks?: readonly string[];
}

export interface UploadCallbacks {
  /** Validates a PutObject / PostObject / CompleteMultipartUpload callback before the body is stored (throws 400). */
  check: RequestValidator;
  /** Delivers the callback of a stored object and answers the client; undefined when none was asked. */
  onObjectStored: ObjectStoredHook;
  routes: InternalRoute[];
}

export function createUploadCallbacks(options: UploadCallbackOptions): UploadCallbacks {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CALLBACK_TIMEOUT_MS;
  const signingKey = callbackSigningKey(options.dataDir);
  const targets = callbackTargets(options.allowedNetworks ?? []);
  // Parsed in check(), consumed once the object is stored; weak, so a request that fails in between
  // (auth, NoSuchUpload, a cut connection) leaves nothing behind.
  const requested = new WeakMap<IncomingMessage, CallbackRequest>();

  /** Tries the URLs in order within one time budget; the first 200 decides, else the last failure. */
  async function deliver(callback: CallbackRequest, event: ObjectStoredEvent): Promise<CallbackOutcome> {
    const { privateKey } = await signingKey();
    const body = Buffer.from(
      renderCallbackBody(callback.body, callback.bodyType, systemVariables(event), callback.vars),
      'utf8',
    );
    const publicKeyUrl = Buffer.from(`${options.baseUrl()}/-/${CALLBACK_PUBLIC_KEY_PATH}`).toString('base64');
    const deadline = performance.now() + timeoutMs;
    let outcome: CallbackOutcome = { ok: false, failure: ossError.callbackTimedOut(), answered: false };
    for (const url of callback.urls) {
      const left = deadline - performance.now();
      if (left <= 0) break;
      const post = {
        url,
        host: callback.host,
        contentType: callback.bodyType,
        body,
        authorization: callbackAuthorization(privateKey, url, body),
        publicKeyUrl,
        lookup: targets.lookup,
      };
      outcome = await postCallback(post, left);
      if (outcome.ok || outcome.answered) break;
    }
    return outcome;
  }

  return {
    check: async (operation, req, query, fields) => {
      if (operation !== 'PutObject' && operation !== 'CompleteMultipartUpload' && operation !== 'PostObject')
        return;
      // A PostObject's callback comes in form fields (passed as `fields`), never in its URL.
      const callback = fields
        ? readCallbackRequest(fields, new Map())
        : readCallbackRequest(req.headers, query);
      if (!callback) return;
      await targets.check(callback.urls, callback.raw);
      requested.set(req, callback);
    },
    onObjectStored: async (event) => {
      const callback = requested.get(event.exchange.req);
      if (!callback) return undefined;
      requested.delete(event.exchange.req);
      const outcome = await deliver(callback, event);
      if (outcome.ok) sendBody(event.exchange, 200, 'application/json', outcome.body);
      else sendError(event.exchange, outcome.failure);
      return 'handled';
    },
    routes: [
      {
        method: 'GET',
        path: new RegExp(`^${CALLBACK_PUBLIC_KEY_PATH.replaceAll('.', '\\.')}$`),
        handle: async ({ exchange }) => {
          const { publicKeyPem } = await signingKey();
          sendBody(exchange, 200, 'application/x-pem-file', publicKeyPem);
        },
      },
    ],
  };
}
