// A bare OSS client on node:http for benchmarks: V4-signed path-style requests, bodies sent from buffers
// or streamed with backpressure, and nothing else, so the client's own cost stays small and visible.
// Any suite that needs to set up or check objects (the browser suite verifying an upload) can use it.

import { once } from 'node:events';
import { Agent, type ClientRequest, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { Credentials } from '../../lib/oss/credentials.ts';
import { parseOssErrorXml } from '../../lib/oss/errors.ts';
import type { QueryPairs } from '../../lib/oss/request.ts';
import { signRequestV4 } from '../../lib/oss/sign-v4.ts';
import { uriEncode } from '../../lib/oss/uri-encode.ts';
import { EMULATOR_DEFAULTS } from '../../server/config/emulator-defaults.ts';

export interface OssRequest {
  method: string;
  key: string;
  query?: QueryPairs;
  headers?: Record<string, string>;
  /** A buffer, or chunks streamed as they come (then `contentLength` is required). */
  body?: Uint8Array | AsyncIterable<Uint8Array>;
  contentLength?: number;
}

export interface OssResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export interface OssClientOptions {
  /** e.g. http://127.0.0.1:9000 */
  endpoint: string;
  bucket: string;
  credentials?: Credentials;
  region?: string;
  /** Sockets kept open per host; at least the parallelism the caller intends. */
  maxSockets?: number;
}

/** Streams chunks into the request, waiting for 'drain' so memory stays at one chunk in flight. */
async function writeChunks(req: ClientRequest, chunks: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const chunk of chunks) {
    if (!req.write(chunk)) await once(req, 'drain');
  }
  req.end();
}

function queryString(query: QueryPairs): string {
  if (query.length === 0) return '';
  const pairs = query.map(([name, value]) =>
    value === '' ? uriEncode(name) : `${uriEncode(name)}=${uriEncode(value)}`,
  );
  return `?${pairs.join('&')}`;
}

export class OssResponseError extends Error {
  constructor(
    readonly response: OssResponse,
    what: string,
  ) {
    const error = parseOssErrorXml(response.text);
    super(
      `${what}: HTTP ${response.status}${error ? ` ${error.code}: ${error.message}` : ''} ${response.text.slice(0, 300)}`,
    );
  }
}

export class NodeOssClient {
  readonly bucket: string;
  private readonly url: URL;
  private readonly credentials: Credentials;
  private readonly region: string;
  private readonly agent: Agent;

  constructor(options: OssClientOptions) {
    this.url = new URL(options.endpoint);
    this.bucket = options.bucket;
    this.credentials = options.credentials ?? {
      accessKeyId: EMULATOR_DEFAULTS.accessKeyId,
      accessKeySecret: EMULATOR_DEFAULTS.accessKeySecret,
    };
    this.region = options.region ?? EMULATOR_DEFAULTS.region;
    this.agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 16 });
  }

  /** Sends a request and reads the whole response body as text; non-2xx statuses are returned, not thrown. */
  async send(request: OssRequest): Promise<OssResponse> {
    const query = request.query ?? [];
    const headers: Record<string, string> = { ...request.headers };
    const length = request.body instanceof Uint8Array ? request.body.length : request.contentLength;
    if (length !== undefined) headers['content-length'] = String(length);
    const signed = await signRequestV4(
      { method: request.method, bucket: this.bucket, key: request.key, query, headers },
      this.credentials,
      { region: this.region, now: new Date() },
    );
    const req = httpRequest({
      host: this.url.hostname,
      port: this.url.port,
      method: request.method,
      path: `/${this.bucket}/${uriEncode(request.key, true)}${queryString(query)}`,
      headers: { ...headers, ...signed },
      agent: this.agent,
    });
    const response = new Promise<OssResponse>((resolve, reject) => {
      req.once('error', reject);
      req.once('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('error', reject);
        res.once('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      });
    });
    const body = request.body;
    if (body === undefined || body instanceof Uint8Array) {
      req.end(body);
      return response;
    }
    // Together, so a failure on either side rejects once and neither promise is left unhandled.
    const [, result] = await Promise.all([writeChunks(req, body), response]);
    return result;
  }

  /** send(), throwing OssResponseError unless the status is 2xx. */
  async expectOk(request: OssRequest, what = `${request.method} ${request.key}`): Promise<OssResponse> {
    const response = await this.send(request);
    if (response.status < 200 || response.status > 299) throw new OssResponseError(response, what);
    return response;
  }

  close(): void {
    this.agent.destroy();
  }
}
