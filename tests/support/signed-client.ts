// Test support: raw OSS requests signed with the shared V4 signer and the emulator's root credentials,
// on a fresh connection each (so a cut connection is seen as such, never hidden by a pooled socket).

import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { signRequestV4 } from '../../lib/oss/sign-v4.ts';
import { EMULATOR_DEFAULTS } from '../../server/config/emulator-defaults.ts';

export type SignedResult =
  | { status: number; headers: IncomingHttpHeaders; text: string; ms: number }
  /** `received`: bytes that came back on the connection before it broke (0: not one byte of an answer). */
  | { error: string; ms: number; received: number };

export interface SignedRequest {
  method: string;
  key: string;
  query?: [string, string][];
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Sends only this many bytes of the body (the full length is announced) and never finishes. */
  stallAfter?: number;
}

/** Requests to `baseUrl`, whose default bucket is `bucket` (the URL names no bucket). */
export function signedClient(baseUrl: string, bucket: string) {
  const base = new URL(baseUrl);
  return async function send(request: SignedRequest): Promise<SignedResult> {
    const body = request.body === undefined ? undefined : Buffer.from(request.body);
    const query = request.query ?? [];
    const headers: Record<string, string> = {
      ...(request.headers ?? {}),
      ...(body ? { 'Content-Length': String(body.length) } : {}),
    };
    const signed = await signRequestV4(
      { method: request.method, bucket, key: request.key, query, headers },
      { accessKeyId: EMULATOR_DEFAULTS.accessKeyId, accessKeySecret: EMULATOR_DEFAULTS.accessKeySecret },
      { region: EMULATOR_DEFAULTS.region, now: new Date() },
    );
    const search = query.map(([n, v]) =>
      v === '' ? encodeURIComponent(n) : `${n}=${encodeURIComponent(v)}`,
    );
    const path = `/${request.key.split('/').map(encodeURIComponent).join('/')}${search.length ? `?${search.join('&')}` : ''}`;
    const started = performance.now();
    const ms = () => performance.now() - started;
    let received = 0;
    const failed = (e: NodeJS.ErrnoException): SignedResult => ({
      error: e.code ?? e.message,
      ms: ms(),
      received,
    });
    return new Promise((resolve) => {
      const req = httpRequest(
        {
          host: base.hostname,
          port: base.port,
          method: request.method,
          path,
          headers: { ...headers, ...signed },
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (e: NodeJS.ErrnoException) => resolve(failed(e)));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: Buffer.concat(chunks).toString('utf8'),
              ms: ms(),
            }),
          );
        },
      );
      req.on('error', (e: NodeJS.ErrnoException) => resolve(failed(e)));
      // Counted on the socket itself, beside the HTTP parser, so a cut mid-answer shows as bytes received.
      req.on('socket', (socket) =>
        socket.on('data', (chunk: Buffer) => {
          received += chunk.length;
        }),
      );
      if (body && request.stallAfter !== undefined) req.write(body.subarray(0, request.stallAfter));
      else req.end(body);
    });
  };
}

export type SignedSend = ReturnType<typeof signedClient>;

/** The answer, failing the test with what happened instead when the connection broke. */
export function answered(result: SignedResult): Extract<SignedResult, { status: number }> {
  if ('error' in result) throw new Error(`expected an answer, the connection failed: ${result.error}`);
  return result;
}
