// Test support: a real app server for upload callbacks on an ephemeral port. Records every callback it
// receives and answers as the test tells it to; verifies signatures the way an app server does.

import { createHash, createPublicKey, publicDecrypt, constants as rsa, verify } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedCallback {
  method: string;
  /** Raw request target: path and query as sent. */
  target: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type CallbackResponder = (callback: ReceivedCallback, res: ServerResponse) => void;

export interface CallbackTestServer {
  url: string;
  received: ReceivedCallback[];
  /** How the next callbacks are answered; default 200 `{"ok":true}`. */
  respondWith(responder: CallbackResponder): void;
  close(): Promise<void>;
}

export const answerJson =
  (status: number, body: string): CallbackResponder =>
  (_callback, res) => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };

export async function startCallbackServer(): Promise<CallbackTestServer> {
  const received: ReceivedCallback[] = [];
  let responder: CallbackResponder = answerJson(200, '{"ok":true}');
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const callback = {
        method: req.method ?? '',
        target: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(callback);
      responder(callback, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    respondWith: (next) => {
      responder = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** DER prefix of an MD5 DigestInfo (RFC 8017 §9.2 note 1): what PKCS#1 v1.5 signs with MD5. */
const MD5_DIGEST_INFO = Buffer.from('3020300c06082a864886f70d020505000410', 'hex');

/**
 * Verifies a callback as an app server does (OSS's sample servers): fetch the public key from the
 * base64 URL in x-oss-pub-key-url, then check `authorization` against MD5 of
 * `url_decode(path) + query + "\n" + body`. Checked twice: by crypto.verify, and by opening the
 * signature with the public key to compare the DigestInfo byte for byte.
 */
export async function verifyCallbackSignature(callback: ReceivedCallback): Promise<{
  publicKeyUrl: string;
  valid: boolean;
  digestInfoMatches: boolean;
}> {
  const publicKeyUrl = Buffer.from(String(callback.headers['x-oss-pub-key-url']), 'base64').toString('utf8');
  const pem = await (await fetch(publicKeyUrl)).text();
  const q = callback.target.indexOf('?');
  const path = decodeURIComponent(q < 0 ? callback.target : callback.target.slice(0, q));
  const query = q < 0 ? '' : callback.target.slice(q);
  const signed = Buffer.from(`${path}${query}\n${callback.body}`, 'utf8');
  const signature = Buffer.from(String(callback.headers.authorization), 'base64');
  const key = createPublicKey(pem);
  const opened = publicDecrypt({ key, padding: rsa.RSA_PKCS1_PADDING }, signature);
  const expected = Buffer.concat([MD5_DIGEST_INFO, createHash('md5').update(signed).digest()]);
  return {
    publicKeyUrl,
    valid: verify('md5', signed, key, signature),
    digestInfoMatches: opened.equals(expected),
  };
}
