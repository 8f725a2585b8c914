// Bucket lifecycle rules (PutBucketLifecycle / GetBucketLifecycle). The emulator acts on
// AbortMultipartUpload and Expiration after N Days; Days may be fractional here (real OSS wants an
// integer) so tests can make an upload expire within a second.

import { buildXml, parseXml, type XmlElement, type XmlNode } from '../../../lib/oss/xml.ts';
import { ossError } from '../errors.ts';

export interface LifecycleRule {
  id: string;
  prefix: string;
  enabled: boolean;
  abortMultipartUploadDays?: number;
  expirationDays?: number;
}

const MAX_RULES = 1000;
export const MAX_LIFECYCLE_BODY_BYTES = 64 * 1024;
export const DAY_MS = 86_400_000;

const element = (node: XmlNode | undefined): XmlElement | undefined =>
  node !== undefined && typeof node === 'object' && !Array.isArray(node) ? node : undefined;

function parseDays(action: XmlNode | undefined, name: string): number | undefined {
  if (action === undefined) return undefined;
  const days = element(action)?.Days;
  if (typeof days !== 'string') throw ossError.malformedXml();
  const value = Number(days);
  if (!/^\d+(\.\d+)?$/.test(days) || !(value > 0))
    throw ossError.invalidArgument(`Invalid ${name} Days.`, 'Days', days);
  return value;
}

export function parseLifecycleConfig(body: string): LifecycleRule[] {
  let root: XmlElement | undefined;
  try {
    root = element(parseXml(body, { arrays: ['Rule'] }).LifecycleConfiguration);
  } catch {
    throw ossError.malformedXml();
  }
  const ruleNodes = (root?.Rule ?? []) as XmlNode[];
  if (!root || ruleNodes.length === 0) throw ossError.malformedXml();
  if (ruleNodes.length > MAX_RULES)
    throw ossError.invalidArgument('Too many lifecycle rules.', 'Rule', String(ruleNodes.length));
  return ruleNodes.map((node, index) => {
    const rule = element(node);
    if (!rule) throw ossError.malformedXml();
    const status = rule.Status;
    if (status !== 'Enabled' && status !== 'Disabled') throw ossError.malformedXml();
    const parsed: LifecycleRule = {
      id: typeof rule.ID === 'string' && rule.ID !== '' ? rule.ID : `rule-${index + 1}`,
      prefix: typeof rule.Prefix === 'string' ? rule.Prefix : '',
      enabled: status === 'Enabled',
      abortMultipartUploadDays: parseDays(rule.AbortMultipartUpload, 'AbortMultipartUpload'),
      expirationDays: parseDays(rule.Expiration, 'Expiration'),
    };
    if (parsed.abortMultipartUploadDays === undefined && parsed.expirationDays === undefined) {
      throw ossError.invalidArgument('A rule must contain at least one action.', 'Rule', parsed.id);
    }
    return parsed;
  });
}

export function renderLifecycleConfig(rules: LifecycleRule[]): string {
  return buildXml('LifecycleConfiguration', {
    Rule: rules.map((rule) => ({
      ID: rule.id,
      Prefix: rule.prefix,
      Status: rule.enabled ? 'Enabled' : 'Disabled',
      Expiration: rule.expirationDays === undefined ? undefined : { Days: rule.expirationDays },
      AbortMultipartUpload:
        rule.abortMultipartUploadDays === undefined ? undefined : { Days: rule.abortMultipartUploadDays },
    })),
  });
}
