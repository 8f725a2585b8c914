// The session policy attached to every token: the intersection of the role's permissions and this is
// what the browser can do, so it names only the operations a resumable upload needs, on one bucket
// and one key prefix. No GetObject, DeleteObject or ListObjects: a leaked token can add files under
// the prefix, never read or remove anyone's.

export interface PolicyStatement {
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: string[];
  /** RAM policy conditions, e.g. `{ StringLike: { 'oss:Prefix': ['uploads/alice/*'] } }`. */
  Condition?: Record<string, Record<string, string[]>>;
}

export interface SessionPolicy {
  Version: '1';
  Statement: PolicyStatement[];
}

/** Where a token may act: it writes under `writePrefix`, and sees and aborts uploads under `listPrefix`. */
export interface TokenScope {
  /** The user's own prefix (or OSS_PREFIX itself when there are no users: loopback, bearer). */
  writePrefix: string;
  /** `writePrefix`, or OSS_PREFIX for an administrator, who may clean up every user's uploads. */
  listPrefix: string;
}

/** The longest session policy STS AssumeRole accepts (STS API reference: AssumeRole, Policy). */
export const MAX_SESSION_POLICY_LENGTH = 2048;

/**
 * oss:PutObject covers PutObject, InitiateMultipartUpload, UploadPart and CompleteMultipartUpload;
 * oss:PutObjectTagging is needed as well when they carry x-oss-tagging (the upload settings' tags).
 * ListMultipartUploads is checked against the bucket itself, so it gets a bucket resource, and its
 * `prefix` parameter is held to the scope by an oss:Prefix condition: a listing of another user's
 * prefix, or of the whole bucket (no prefix, matched as ""), is refused.
 */
export function buildSessionPolicy(bucket: string, scope: TokenScope): SessionPolicy {
  const write: PolicyStatement = {
    Effect: 'Allow',
    Action: ['oss:PutObject', 'oss:PutObjectTagging'],
    Resource: [`acs:oss:*:*:${bucket}/${scope.writePrefix}*`],
  };
  const manage: PolicyStatement = {
    Effect: 'Allow',
    Action: ['oss:AbortMultipartUpload', 'oss:ListParts'],
    Resource: [`acs:oss:*:*:${bucket}/${scope.listPrefix}*`],
  };
  const list: PolicyStatement = {
    Effect: 'Allow',
    Action: ['oss:ListMultipartUploads'],
    Resource: [`acs:oss:*:*:${bucket}`],
    Condition: { StringLike: { 'oss:Prefix': [`${scope.listPrefix}*`] } },
  };
  const sameScope = scope.writePrefix === scope.listPrefix;
  const statements = sameScope
    ? [{ ...write, Action: [...write.Action, ...manage.Action] }, list]
    : [write, manage, list];
  const policy: SessionPolicy = { Version: '1', Statement: statements };
  const length = JSON.stringify(policy).length;
  if (length > MAX_SESSION_POLICY_LENGTH) {
    throw new Error(
      `The session policy for ${scope.writePrefix} is ${length} characters; STS accepts ${MAX_SESSION_POLICY_LENGTH}. Shorten OSS_PREFIX.`,
    );
  }
  return policy;
}

/**
 * The token service's own look at one object (POST /api/object-status): read access to that key and
 * nothing else, for a token that never leaves the server and is used for one HeadObject.
 * HeadObject is authorized as oss:GetObject (OSS has no narrower action for object metadata).
 */
export function buildObjectReadPolicy(bucket: string, key: string): SessionPolicy {
  return {
    Version: '1',
    Statement: [{ Effect: 'Allow', Action: ['oss:GetObject'], Resource: [`acs:oss:*:*:${bucket}/${key}`] }],
  };
}
