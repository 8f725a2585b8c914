// Sends the callback POST to the app server and judges its answer the way OSS does (OSS API reference: "Callback"): 200 with a
// JSON body of at most 3 MB within the time limit succeeds; anything else is a CallbackFailed reason.

import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { type OssError, ossError } from '../errors.ts';
import { CallbackTargetRefused } from './callback-targets.ts';

/** OSS's limit on the app server's answer (current docs; older ones said 1 MB). */
export const MAX_CALLBACK_RESPONSE_BYTES = 3 * 1024 * 1024;
/** How long OSS waits for the app server, for the whole exchange. */
export const DEFAULT_CALLBACK_TIMEOUT_MS = 5000;

export interface CallbackPost {
  url: URL;
  /** Host header; the URL's host when undefined. */
  host?: string;
  contentType: string;
  body: Buffer;
  authorization: string;
  /** base64 of the public key's URL. */
  publicKeyUrl: string;
  /** Resolves the URL's host name (callback-targets.ts: refuses addresses callbacks may not reach). */
  lookup?: LookupFunction;
}

export type CallbackOutcome =
  | { ok: true; body: string }
  /** `answered`: the app server did answer 200 (with an unusable body), so no further URL is tried. */
  | { ok: false; failure: OssError; answered: boolean };

const failed = (failure: OssError, answered = false): CallbackOutcome => ({ ok: false, failure, answered });

function readLimited(res: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const declared = Number(res.headers['content-length']);
    if (declared > MAX_CALLBACK_RESPONSE_BYTES) {
      res.destroy();
      resolve('too-large');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_CALLBACK_RESPONSE_BYTES) {
        res.destroy();
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    });
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', reject);
  });
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** One POST to one URL. Never throws: every way it can go wrong is an outcome. */
export function postCallback(post: CallbackPost, timeoutMs: number): Promise<CallbackOutcome> {
  const { url } = post;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: CallbackOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(outcome);
    };
    const req = send(url, {
      method: 'POST',
      // A fresh connection per callback, as OSS's `Connection: close` request implies.
      agent: false,
      lookup: post.lookup,
      headers: {
        Host: post.host ?? url.host,
        Connection: 'close',
        'Content-Type': post.contentType,
        'Content-Length': post.body.length,
        authorization: post.authorization,
        'User-Agent': 'http-client/0.0.1',
        'x-oss-pub-key-url': post.publicKeyUrl,
      },
    });
    // The limit covers connecting, the app server's work and its answer, like OSS's 5 seconds.
    const timer = setTimeout(() => settle(failed(ossError.callbackTimedOut())), timeoutMs);
    req.on('error', (error) =>
      settle(
        failed(
          error instanceof CallbackTargetRefused
            ? ossError.callbackTargetUnreachable(error.message)
            : ossError.callbackUnreachable(),
        ),
      ),
    );
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        settle(failed(ossError.callbackErrorStatus(res.statusCode ?? 0)));
        return;
      }
      readLimited(res).then(
        (body) => {
          if (body === 'too-large') settle(failed(ossError.callbackResponseTooLarge(), true));
          else if (!isJson(body.toString('utf8'))) settle(failed(ossError.callbackResponseNotJson(), true));
          else settle({ ok: true, body: body.toString('utf8') });
        },
        () => settle(failed(ossError.callbackUnreachable())),
      );
    });
    req.end(post.body);
  });
}
