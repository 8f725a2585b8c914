// Reads the <Error> body OSS returns (OSS API reference: "Error responses") so clients can branch on Code and report RequestId/EC.

import { parseXml, type XmlNode } from './xml.ts';

export interface OssErrorInfo {
  code: string;
  message: string;
  requestId: string;
  hostId: string;
  /** EC troubleshooting code, '' in older responses that lack it. */
  ec: string;
  /** Every other child element, e.g. UploadId, ServerTime, StringToSign, RecommendDoc. */
  details: Record<string, string>;
}

const KNOWN = new Set(['Code', 'Message', 'RequestId', 'HostId', 'EC']);

/** Returns undefined when the text is not an OSS <Error> document (HTML from a proxy, empty body…). */
export function parseOssErrorXml(text: string): OssErrorInfo | undefined {
  let doc: ReturnType<typeof parseXml>;
  try {
    doc = parseXml(text);
  } catch {
    return undefined;
  }
  const error = doc.Error;
  if (error === undefined || typeof error !== 'object' || Array.isArray(error)) return undefined;
  const textOf = (node: XmlNode | undefined): string => (typeof node === 'string' ? node : '');
  const details: Record<string, string> = {};
  for (const [name, value] of Object.entries(error)) {
    if (!KNOWN.has(name) && typeof value === 'string') details[name] = value;
  }
  return {
    code: textOf(error.Code),
    message: textOf(error.Message),
    requestId: textOf(error.RequestId),
    hostId: textOf(error.HostId),
    ec: textOf(error.EC),
    details,
  };
}
