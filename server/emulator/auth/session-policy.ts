// STS session policies, parsed and evaluated the way RAM does: an explicit Deny always wins, otherwise
// the request needs an Allow that matches both the action and the resource.
import { ossError } from '../errors.ts';
import type {
  ConditionKey,
  ConditionOperator,
  OssAction,
  PolicyCondition,
  Principal,
  RequestConditions,
  SessionPolicyStatement,
} from './auth-types.ts';

/** Why a policy document was rejected; the STS handler turns this into InvalidParameter.PolicyGrammar. */
export class PolicyGrammarError extends Error {}

/** STS AssumeRole refuses longer policies, so the emulator does too (a policy it accepted would fail in production). */
export const MAX_POLICY_LENGTH = 2048;

/** Actions that RAM checks against the bucket resource rather than an object resource. */
const BUCKET_LEVEL_ACTIONS: ReadonlySet<OssAction> = new Set<OssAction>([
  'oss:ListObjects',
  'oss:ListMultipartUploads',
  'oss:PutBucketCors',
  'oss:GetBucketCors',
  'oss:PutBucketLifecycle',
  'oss:GetBucketLifecycle',
  'oss:GetBucketInfo',
]);

function stringList(value: unknown, field: string, index: number): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((v) => typeof v === 'string' && v !== '')) {
    throw new PolicyGrammarError(
      `Statement[${index}].${field} must be a non-empty string or a non-empty array of non-empty strings.`,
    );
  }
  return list;
}

const CONDITION_OPERATORS: readonly ConditionOperator[] = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
];
const CONDITION_KEYS: readonly ConditionKey[] = ['oss:Prefix', 'oss:Delimiter'];

/**
 * A statement's Condition block: `{"<operator>": {"<key>": value or [values]}}`. Operators and key
 * names are matched without regard to case, as RAM does; an operator or key the emulator does not
 * evaluate is refused, since ignoring it would grant more than real RAM does.
 */
function parseConditions(value: unknown, index: number): PolicyCondition[] {
  const where = `Statement[${index}].Condition`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PolicyGrammarError(`${where} must be an object of operators.`);
  }
  const conditions: PolicyCondition[] = [];
  for (const [operatorName, block] of Object.entries(value)) {
    const operator = CONDITION_OPERATORS.find((o) => o.toLowerCase() === operatorName.toLowerCase());
    if (!operator) {
      throw new PolicyGrammarError(
        `${where}.${operatorName} is not supported by the emulator (only ${CONDITION_OPERATORS.join(', ')} are).`,
      );
    }
    if (
      typeof block !== 'object' ||
      block === null ||
      Array.isArray(block) ||
      Object.keys(block).length === 0
    ) {
      throw new PolicyGrammarError(`${where}.${operatorName} must be a non-empty object of condition keys.`);
    }
    for (const [keyName, values] of Object.entries(block)) {
      const key = CONDITION_KEYS.find((k) => k.toLowerCase() === keyName.toLowerCase());
      if (!key) {
        throw new PolicyGrammarError(
          `${where}.${operatorName}.${keyName} is not supported by the emulator (only ${CONDITION_KEYS.join(' and ')} are).`,
        );
      }
      // Unlike Action and Resource, a condition value may be "" (a listing without a prefix).
      const list = typeof values === 'string' ? [values] : values;
      if (!Array.isArray(list) || list.length === 0 || !list.every((v) => typeof v === 'string')) {
        throw new PolicyGrammarError(
          `${where}.${operatorName}.${keyName} must be a string or a non-empty array of strings.`,
        );
      }
      conditions.push({ operator, key, values: list });
    }
  }
  return conditions;
}

/**
 * Parses a RAM policy document (`{"Version":"1","Statement":[{Effect, Action, Resource, Condition}]}`).
 * NotAction, NotResource and conditions the emulator cannot evaluate are refused rather than
 * ignored: ignoring them would grant more in the emulator than the same policy grants on real OSS.
 */
export function parseSessionPolicy(text: string): SessionPolicyStatement[] {
  if (text.length > MAX_POLICY_LENGTH) {
    throw new PolicyGrammarError(`Policy is ${text.length} characters; the maximum is ${MAX_POLICY_LENGTH}.`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new PolicyGrammarError(`Policy is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new PolicyGrammarError('Policy must be a JSON object with Version and Statement.');
  }
  const { Version, Statement } = doc as Record<string, unknown>;
  if (Version !== '1') throw new PolicyGrammarError('Policy Version must be the string "1".');
  if (!Array.isArray(Statement) || Statement.length === 0) {
    throw new PolicyGrammarError('Policy Statement must be a non-empty array.');
  }
  return Statement.map((raw: unknown, index) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new PolicyGrammarError(`Statement[${index}] must be an object.`);
    }
    const statement = raw as Record<string, unknown>;
    for (const field of Object.keys(statement)) {
      if (!['Effect', 'Action', 'Resource', 'Condition'].includes(field)) {
        throw new PolicyGrammarError(
          `Statement[${index}].${field} is not supported by the emulator (only Effect, Action, Resource and Condition are).`,
        );
      }
    }
    const effect = statement.Effect;
    if (effect !== 'Allow' && effect !== 'Deny') {
      throw new PolicyGrammarError(`Statement[${index}].Effect must be "Allow" or "Deny".`);
    }
    const conditions =
      statement.Condition === undefined ? undefined : parseConditions(statement.Condition, index);
    return {
      effect,
      actions: stringList(statement.Action, 'Action', index),
      resources: stringList(statement.Resource, 'Resource', index),
      ...(conditions?.length ? { conditions } : {}),
    };
  });
}

function globToRegExp(pattern: string, flags: string): RegExp {
  const body = pattern
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[\\^$.+()[\]{}|/]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, `s${flags}`);
}

const matchesAction = (pattern: string, action: OssAction) => globToRegExp(pattern, 'i').test(action);

/**
 * The emulator is one account in one region, so the region and account fields of a resource ARN are
 * not compared; service and bucket/key are. A pattern without the five ARN fields (e.g. `*`) is
 * matched against the whole ARN.
 */
function matchesResource(pattern: string, resource: string): boolean {
  const fields = pattern.split(':');
  if (fields.length < 5) return globToRegExp(pattern, '').test(resource);
  const [service, product, , , ...path] = fields;
  const [, , , , ...resourcePath] = resource.split(':');
  return (
    globToRegExp(`${service}:${product}`, '').test('acs:oss') &&
    globToRegExp(path.join(':'), '').test(resourcePath.join(':'))
  );
}

/** The RAM resource an action touches: the bucket for bucket-level actions, else the object. */
export function resourceArn(action: OssAction, bucket: string, key: string): string {
  if (action === 'oss:ListBuckets') return 'acs:oss:*:*:*'; // GetService names no bucket
  return BUCKET_LEVEL_ACTIONS.has(action) ? `acs:oss:*:*:${bucket}` : `acs:oss:*:*:${bucket}/${key}`;
}

/** Actions whose requests carry the listing parameters as condition keys. */
const LISTING_ACTIONS: ReadonlySet<OssAction> = new Set<OssAction>([
  'oss:ListObjects',
  'oss:ListMultipartUploads',
]);

/**
 * The condition keys a request carries. A listing always carries oss:Prefix and oss:Delimiter: a
 * request without the `prefix` parameter is matched as the empty prefix, which is why the RAM
 * documentation's examples allow `""` to let the bucket's root be listed.
 */
export function requestConditions(action: OssAction, query: ReadonlyMap<string, string>): RequestConditions {
  if (!LISTING_ACTIONS.has(action)) return {};
  return { 'oss:Prefix': query.get('prefix') ?? '', 'oss:Delimiter': query.get('delimiter') ?? '' };
}

const NEGATED: ReadonlySet<ConditionOperator> = new Set([
  'StringNotEquals',
  'StringNotEqualsIgnoreCase',
  'StringNotLike',
]);

function matchesValue(operator: ConditionOperator, pattern: string, value: string): boolean {
  switch (operator) {
    case 'StringEquals':
    case 'StringNotEquals':
      return value === pattern;
    case 'StringEqualsIgnoreCase':
    case 'StringNotEqualsIgnoreCase':
      return value.toLowerCase() === pattern.toLowerCase();
    case 'StringLike':
    case 'StringNotLike':
      return globToRegExp(pattern, '').test(value);
  }
}

/**
 * One condition holds when the request's value matches any listed value (for a negated operator:
 * none). A key the request does not carry matches nothing, so a positive operator fails and a
 * negated one holds.
 */
function holds(condition: PolicyCondition, context: RequestConditions): boolean {
  const value = context[condition.key];
  const negated = NEGATED.has(condition.operator);
  if (value === undefined) return negated;
  const matched = condition.values.some((pattern) => matchesValue(condition.operator, pattern, value));
  return negated ? !matched : matched;
}

const describeContext = (context: RequestConditions) =>
  Object.entries(context)
    .map(([key, value]) => `${key}="${value}"`)
    .join(', ');

/**
 * Throws AccessDenied (naming the action and resource) unless the principal may do `action`.
 * `context` holds the request's condition keys (requestConditions); a statement applies only when
 * its action, resource and every condition match.
 */
export function authorize(
  principal: Principal,
  action: OssAction,
  bucket: string,
  key: string,
  context: RequestConditions = {},
): void {
  if (principal.policy === undefined) return;
  const resource = resourceArn(action, bucket, key);
  const applies = (s: SessionPolicyStatement) =>
    s.actions.some((a) => matchesAction(a, action)) &&
    s.resources.some((r) => matchesResource(r, resource)) &&
    (s.conditions ?? []).every((c) => holds(c, context));
  const applicable = principal.policy.filter(applies);
  const who = `STS session ${principal.accessKeyId}${principal.roleArn ? ` (role ${principal.roleArn}, session ${principal.sessionName})` : ''}`;
  if (applicable.some((s) => s.effect === 'Deny')) {
    throw ossError.accessDenied(
      `You have no right to access this resource: ${action} on ${resource} is explicitly denied by the session policy of ${who}.`,
    );
  }
  if (!applicable.some((s) => s.effect === 'Allow')) {
    const carried = describeContext(context);
    const conditions = carried ? ` whose conditions match ${carried}` : '';
    throw ossError.accessDenied(
      `You have no right to access this resource: the session policy of ${who} has no Allow statement for ${action} on ${resource}${conditions}. Add it to the Policy passed to AssumeRole.`,
    );
  }
}
