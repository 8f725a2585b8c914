// One request/response pair as the emulator sees it, and the only code that writes responses:
// every reply, success or OssError, gets the OSS common headers here (OSS API reference: "Common HTTP headers", "Error responses").

import type { IncomingMessage, ServerResponse } from 'node:http';
import { buildXml } from '../../../lib/oss/xml.ts';
import { OssError, ossError } from '../errors.ts';
import { newRequestId } from './request-id.ts';

export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  /** Emulator clock (ms) when the request arrived. */
  now: number;
  /** <HostId> of error bodies: the Host the client addressed. */
  hostId: string;
  startedAt: number;
}

export function openExchange(req: IncomingMessage, res: ServerResponse, now: number): Exchange {
  const requestId = newRequestId(now);
  res.setHeader('Server', 'AliyunOSS');
  res.setHeader('Date', new Date(now).toUTCString());
  res.setHeader('x-oss-request-id', requestId);
  return { req, res, requestId, now, hostId: req.headers.host ?? '', startedAt: performance.now() };
}

function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

type Headers = Record<string, string | number | undefined>;

function writeHead(ex: Exchange, status: number, headers: Headers): void {
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) ex.res.setHeader(name, value);
  }
  ex.res.setHeader('x-oss-server-time', Math.round(performance.now() - ex.startedAt));
  // A body the handler never read (an early rejection) would otherwise have to be drained before the
  // next request on this connection; closing is cheaper than reading gigabytes we already refused.
  if (hasBody(ex.req) && !ex.req.complete) ex.res.setHeader('Connection', 'close');
  ex.res.statusCode = status;
}

export function sendEmpty(ex: Exchange, status: number, headers: Headers = {}): void {
  writeHead(ex, status, { 'Content-Length': 0, ...headers });
  ex.res.end();
}

export function sendBody(
  ex: Exchange,
  status: number,
  contentType: string,
  body: string,
  headers: Headers = {},
): void {
  const bytes = Buffer.from(body, 'utf8');
  writeHead(ex, status, { 'Content-Type': contentType, 'Content-Length': bytes.length, ...headers });
  ex.res.end(ex.req.method === 'HEAD' ? undefined : bytes);
}

export function sendXml(ex: Exchange, status: number, xml: string, headers: Headers = {}): void {
  sendBody(ex, status, 'application/xml', xml, headers);
}

/** Starts a streamed body; the caller pipes into ex.res. */
export function startStream(ex: Exchange, status: number, headers: Headers): void {
  writeHead(ex, status, headers);
}

export function renderErrorXml(error: OssError, requestId: string, hostId: string): string {
  const content: Record<string, string | undefined> = {
    Code: error.code,
    Message: error.message,
    RequestId: requestId,
    HostId: hostId,
  };
  for (const [name, value] of error.details) content[name] = value;
  content.EC = error.ec;
  content.RecommendDoc = error.ec && `https://api.aliyun.com/troubleshoot?q=${error.ec}`;
  return buildXml('Error', content);
}

/**
 * Renders any failure as OSS does. HEAD responses cannot carry a body, so OSS moves the error XML into
 * a base64 `x-oss-err` header (OSS API reference: HeadObject). Anything that is not an OssError is an emulator bug: 500.
 */
export function sendError(ex: Exchange, error: unknown): void {
  // A client that hung up (mid-body or mid-download) is not an emulator fault: nothing to report.
  const clientGone = ex.req.socket.destroyed && !(error instanceof OssError);
  if (clientGone) {
    ex.res.destroy();
    return;
  }
  if (!(error instanceof OssError)) console.error('[oss-emulator] internal error', error);
  const ossErr = error instanceof OssError ? error : ossError.internalError();
  if (ex.res.headersSent) {
    // Mid-stream failure: the status is gone, so the only honest signal left is a cut connection.
    ex.res.destroy();
    return;
  }
  const xml = renderErrorXml(ossErr, ex.requestId, ex.hostId);
  const headers: Headers = { 'x-oss-ec': ossErr.ec };
  if (ex.req.method === 'HEAD') {
    writeHead(ex, ossErr.status, {
      ...headers,
      'Content-Type': 'application/xml',
      'Content-Length': 0,
      'x-oss-err': Buffer.from(xml, 'utf8').toString('base64'),
    });
    ex.res.end();
    return;
  }
  sendXml(ex, ossErr.status, xml, headers);
}
