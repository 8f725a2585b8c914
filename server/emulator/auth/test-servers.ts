// Test support: tiny real HTTP servers, so tests see requests exactly as the real ali-oss puts them on the wire.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { percentDecode } from '../../../lib/oss/uri-encode.ts';
import type { AuthRequest } from './auth-types.ts';

export interface CapturedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

export interface TestServer {
  /** `http://localhost:<port>`; localhost rather than 127.0.0.1 because ali-oss refuses to presign for IP endpoints. */
  origin: string;
  close(): Promise<void>;
}

export async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
): Promise<TestServer> {
  const server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, 'localhost', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://localhost:${port}`,
    close: () => new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

/** Records every request and answers 200 with an empty body, which is all ali-oss's put/head need. */
export async function startCaptureServer(): Promise<TestServer & { requests: CapturedRequest[] }> {
  const requests: CapturedRequest[] = [];
  const server = await listen(async (req, res) => {
    for await (const _ of req); // drain the body so keep-alive clients are not left waiting
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'Content-Length': '0', ETag: '"0"' });
    res.end();
  });
  return { ...server, requests };
}

/** What the emulator's router would hand to authenticate() for a cname-style request (`/<key>?<query>`). */
export function toAuthRequest(captured: CapturedRequest, bucket: string): AuthRequest {
  const q = captured.url.indexOf('?');
  const path = q === -1 ? captured.url : captured.url.slice(0, q);
  return {
    method: captured.method,
    bucket,
    key: percentDecode(path.slice(1)),
    rawQuery: q === -1 ? '' : captured.url.slice(q + 1),
    headers: captured.headers,
  };
}
