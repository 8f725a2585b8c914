// The policy of a PostObject form (OSS API reference: PostObject, "Policy"): base64 JSON with an
// `expiration` and `conditions` the form must meet. Conditions are matched against the form fields as
// sent (before `${filename}` in the key is expanded); field names are case-insensitive.
//   {"field": "value"}                    exact match
//   ["eq" | "starts-with", "$field", "v"] string match
//   ["in" | "not-in", "$field", [...]]    membership
//   ["content-length-range", min, max]    size of the file, checked once it is received

import { ossError } from '../errors.ts';

type Condition =
  | { kind: 'eq' | 'starts-with'; field: string; value: string; text: string }
  | { kind: 'in' | 'not-in'; field: string; values: string[]; text: string }
  | { kind: 'content-length-range'; min: number; max: number; text: string };

export interface PostPolicy {
  expiration: number;
  conditions: Condition[];
}

/** A literal `$` in a condition's value is written `\$`. */
const literal = (value: string) => value.replaceAll('\\$', '$');

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A condition as OSS echoes it in "Policy Condition failed: [...]". */
const echo = (item: unknown) =>
  Array.isArray(item) ? `[${item.map((v) => JSON.stringify(v)).join(', ')}]` : JSON.stringify(item);

function fieldName(raw: unknown, item: unknown): string {
  if (typeof raw !== 'string' || !raw.startsWith('$') || raw.length === 1) {
    throw ossError.invalidPolicyDocument(
      `Invalid condition ${echo(item)}: the field must be written "$name".`,
      '0006-00000216',
    );
  }
  return raw.slice(1).toLowerCase();
}

function parseCondition(item: unknown): Condition {
  const text = echo(item);
  if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
    const entries = Object.entries(item);
    if (entries.length !== 1) {
      throw ossError.invalidPolicyDocument(
        'Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.',
      );
    }
    const [[field, value]] = entries as [[string, unknown]];
    if (typeof value !== 'string') {
      throw ossError.invalidPolicyDocument(`Invalid Simple-Condition ${text}: the value must be a string.`);
    }
    return { kind: 'eq', field: field.toLowerCase(), value: literal(value), text };
  }
  if (!Array.isArray(item) || typeof item[0] !== 'string') {
    throw ossError.invalidPolicyDocument(
      `Invalid condition ${text}: a condition is a map or a list.`,
      '0006-00000222',
    );
  }
  const operator = item[0].toLowerCase();
  if (operator === 'content-length-range') {
    const [, min, max] = item;
    if (
      item.length !== 3 ||
      !Number.isSafeInteger(min) ||
      !Number.isSafeInteger(max) ||
      min > max ||
      min < 0
    ) {
      throw ossError.invalidPolicyDocument(
        `Invalid condition ${text}: content-length-range takes two integers, min <= max.`,
        '0006-00000220',
      );
    }
    return { kind: 'content-length-range', min, max, text };
  }
  if (item.length !== 3) {
    throw ossError.invalidPolicyDocument(
      `Invalid condition ${text}: expected [operator, "$field", value].`,
      '0006-00000218',
    );
  }
  const field = fieldName(item[1], item);
  if (operator === 'eq' || operator === 'starts-with') {
    if (typeof item[2] !== 'string') {
      throw ossError.invalidPolicyDocument(`Invalid condition ${text}: the value must be a string.`);
    }
    return { kind: operator, field, value: literal(item[2]), text };
  }
  if (operator === 'in' || operator === 'not-in') {
    if (!Array.isArray(item[2]) || !item[2].every((v) => typeof v === 'string')) {
      throw ossError.invalidPolicyDocument(
        `Invalid condition ${text}: the value must be a list of strings.`,
        '0006-00000224',
      );
    }
    return { kind: operator, field, values: item[2].map(literal), text };
  }
  throw ossError.invalidPolicyDocument(
    `Invalid condition ${text}: unknown operator ${JSON.stringify(item[0])}.`,
  );
}

export function parsePostPolicy(policy: string): PostPolicy {
  let doc: unknown;
  try {
    if (!STRICT_BASE64.test(policy.trim())) throw new Error('not base64');
    doc = JSON.parse(Buffer.from(policy.trim(), 'base64').toString('utf8'));
  } catch {
    throw ossError.invalidPolicyDocument('Invalid JSON.', '0006-00000204');
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw ossError.invalidPolicyDocument('Invalid JSON.', '0006-00000204');
  }
  const { expiration, conditions } = doc as Record<string, unknown>;
  if (expiration === undefined)
    throw ossError.invalidPolicyDocument('Policy missing expiration.', '0006-00000208');
  const expiresAt = typeof expiration === 'string' ? Date.parse(expiration) : Number.NaN;
  if (Number.isNaN(expiresAt)) {
    throw ossError.invalidPolicyDocument(
      'Invalid Policy Expiration: an ISO 8601 time string is expected.',
      '0006-00000210',
    );
  }
  if (!Array.isArray(conditions)) {
    throw ossError.invalidPolicyDocument('Policy conditions must be a list.', '0006-00000214');
  }
  return { expiration: expiresAt, conditions: conditions.map(parseCondition) };
}

/**
 * Expiration and every field condition; `bucket` is the addressed bucket. Throws 403 AccessDenied
 * naming the first condition that fails. content-length-range waits for checkContentLength.
 */
export function checkPolicy(
  policy: PostPolicy,
  fields: ReadonlyMap<string, string>,
  bucket: string,
  now: number,
): void {
  if (now > policy.expiration) throw ossError.policyExpired();
  const fieldValue = (field: string) => (field === 'bucket' ? bucket : (fields.get(field) ?? ''));
  for (const condition of policy.conditions) {
    let ok = true;
    if (condition.kind === 'eq') ok = fieldValue(condition.field) === condition.value;
    else if (condition.kind === 'starts-with') ok = fieldValue(condition.field).startsWith(condition.value);
    else if (condition.kind === 'in') ok = condition.values.includes(fieldValue(condition.field));
    else if (condition.kind === 'not-in') ok = !condition.values.includes(fieldValue(condition.field));
    if (!ok) throw ossError.policyConditionFailed(condition.text);
  }
}

export function checkContentLength(policy: PostPolicy, size: number): void {
  for (const condition of policy.conditions) {
    if (condition.kind !== 'content-length-range') continue;
    if (size > condition.max) throw ossError.entityTooLargeForPolicy();
    if (size < condition.min) throw ossError.entityTooSmallForPolicy();
  }
}
