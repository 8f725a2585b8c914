// A bucket's CORS configuration (PutBucketCors / GetBucketCors bodies, OSS API reference: PutBucketCors, Options) and its validation limits.

import { buildXml, parseXml, type XmlElement, type XmlNode } from '../../../lib/oss/xml.ts';
import { ossError } from '../errors.ts';

export type CorsMethod = 'GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD';

export interface CorsRule {
  allowedOrigins: string[];
  allowedMethods: CorsMethod[];
  allowedHeaders: string[];
  exposeHeaders: string[];
  maxAgeSeconds?: number;
}

export interface CorsConfig {
  rules: CorsRule[];
  responseVary: boolean;
  /**
   * Set on the configuration the emulator gives the buckets it creates at start, which it keeps in
   * step with its configured origins; absent on one set with PutBucketCors, which it never touches.
   */
  installedByEmulator?: true;
}

const METHODS: readonly string[] = ['GET', 'PUT', 'POST', 'DELETE', 'HEAD'];
export const MAX_CORS_BODY_BYTES = 16 * 1024;
const MAX_CORS_RULES = 10;

/** Everything ali-oss in a page at one of `origins` needs (`*`: any origin), with the headers it reads exposed. */
export function corsRuleFor(origins: readonly string[]): CorsRule {
  return {
    allowedOrigins: [...origins],
    allowedMethods: ['GET', 'PUT', 'POST', 'DELETE', 'HEAD'],
    allowedHeaders: ['*'],
    exposeHeaders: ['ETag', 'x-oss-request-id', 'x-oss-hash-crc64ecma', 'x-oss-version-id'],
  };
}

/** What `?cors=permissive` installs (tests that talk to a bucket from any origin). */
export const PERMISSIVE_CORS_RULE: CorsRule = corsRuleFor(['*']);

const texts = (node: XmlNode | undefined): string[] =>
  node === undefined
    ? []
    : (Array.isArray(node) ? node : [node]).map((n) => (typeof n === 'string' ? n : ''));

/** Parses and validates a PutBucketCors body; throws MalformedXML or InvalidArgument. */
export function parseCorsConfig(body: string): CorsConfig {
  if (Buffer.byteLength(body) > MAX_CORS_BODY_BYTES) {
    throw ossError.invalidArgument('The size of the CORS configuration exceeds 16 KB.', 'CORSConfiguration');
  }
  let root: XmlNode | undefined;
  try {
    root = parseXml(body, {
      arrays: [
        'CORSRule',
        'AllowedOrigin',
        'AllowedMethod',
        'AllowedHeader',
        'ExposeHeader',
        'MaxAgeSeconds',
      ],
    }).CORSConfiguration;
  } catch {
    throw ossError.malformedXml();
  }
  if (root === undefined || typeof root !== 'object' || Array.isArray(root)) throw ossError.malformedXml();
  const ruleNodes = (root.CORSRule ?? []) as XmlNode[];
  if (ruleNodes.length === 0) throw ossError.malformedXml();
  if (ruleNodes.length > MAX_CORS_RULES) {
    throw ossError.invalidArgument(
      'Too many CORS rules; at most 10 are allowed.',
      'CORSRule',
      String(ruleNodes.length),
    );
  }
  const rules = ruleNodes.map((node) => parseRule(node));
  const vary = texts((root as XmlElement).ResponseVary)[0];
  if (vary !== undefined && vary !== 'true' && vary !== 'false') throw ossError.malformedXml();
  return { rules, responseVary: vary === 'true' };
}

function parseRule(node: XmlNode): CorsRule {
  if (typeof node !== 'object' || Array.isArray(node)) throw ossError.malformedXml();
  const allowedOrigins = texts(node.AllowedOrigin);
  const allowedMethods = texts(node.AllowedMethod);
  const allowedHeaders = texts(node.AllowedHeader);
  const exposeHeaders = texts(node.ExposeHeader);
  const maxAge = texts(node.MaxAgeSeconds);
  if (allowedOrigins.length === 0 || allowedMethods.length === 0) throw ossError.malformedXml();
  for (const method of allowedMethods) {
    if (!METHODS.includes(method))
      throw ossError.invalidArgument('Invalid CORS method.', 'AllowedMethod', method);
  }
  for (const origin of allowedOrigins) {
    if (origin.split('*').length > 2) {
      throw ossError.invalidArgument('AllowedOrigin can have at most one wildcard.', 'AllowedOrigin', origin);
    }
  }
  for (const header of allowedHeaders) {
    if (header.split('*').length > 2) {
      throw ossError.invalidArgument('AllowedHeader can have at most one wildcard.', 'AllowedHeader', header);
    }
  }
  for (const header of exposeHeaders) {
    if (header.includes('*'))
      throw ossError.invalidArgument('ExposeHeader can not contain wildcard.', 'ExposeHeader', header);
  }
  if (maxAge.length > 1) throw ossError.malformedXml();
  const rule: CorsRule = {
    allowedOrigins,
    allowedMethods: allowedMethods as CorsMethod[],
    allowedHeaders,
    exposeHeaders,
  };
  if (maxAge[0] !== undefined) {
    if (!/^\d{1,9}$/.test(maxAge[0]))
      throw ossError.invalidArgument('Invalid MaxAgeSeconds.', 'MaxAgeSeconds', maxAge[0]);
    rule.maxAgeSeconds = Number(maxAge[0]);
  }
  return rule;
}

export function renderCorsConfig(config: CorsConfig): string {
  return buildXml('CORSConfiguration', {
    CORSRule: config.rules.map((rule) => ({
      AllowedOrigin: rule.allowedOrigins,
      AllowedMethod: rule.allowedMethods,
      AllowedHeader: rule.allowedHeaders.length > 0 ? rule.allowedHeaders : undefined,
      ExposeHeader: rule.exposeHeaders.length > 0 ? rule.exposeHeaders : undefined,
      MaxAgeSeconds: rule.maxAgeSeconds,
    })),
    ResponseVary: String(config.responseVary),
  });
}
