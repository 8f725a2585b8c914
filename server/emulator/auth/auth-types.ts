// The shapes authentication works with, in a module of their own so that its parts (signature
// schemes, STS tokens, session policies) and their users need not import one another.
import type { IncomingHttpHeaders } from 'node:http';

export interface AuthRequest {
  method: string;
  /** Bucket resolved from host, path or the default bucket; undefined for service-level requests. */
  bucket: string | undefined;
  /** Object key, percent-decoded; '' for bucket-level requests. */
  key: string;
  /** Query string exactly as received, without the leading '?'. */
  rawQuery: string;
  headers: IncomingHttpHeaders;
}

export interface SessionPolicyStatement {
  effect: 'Allow' | 'Deny';
  actions: string[];
  resources: string[];
  /** The statement's Condition block; every condition must hold for the statement to apply. */
  conditions?: PolicyCondition[];
}

/** One operator and key of a Condition block, e.g. `StringLike` on `oss:Prefix` with its values. */
export interface PolicyCondition {
  operator: ConditionOperator;
  /** Canonical spelling, e.g. `oss:Prefix`. */
  key: ConditionKey;
  values: string[];
}

export type ConditionOperator =
  | 'StringEquals'
  | 'StringNotEquals'
  | 'StringEqualsIgnoreCase'
  | 'StringNotEqualsIgnoreCase'
  | 'StringLike'
  | 'StringNotLike';

/** The condition keys the emulator evaluates: the listing parameters (RAM documentation: OSS condition keys). */
export type ConditionKey = 'oss:Prefix' | 'oss:Delimiter';

/** The condition keys a request carries, with their values; a key the request does not carry is absent. */
export type RequestConditions = Partial<Record<ConditionKey, string>>;

export interface Principal {
  accessKeyId: string;
  kind: 'root' | 'sts';
  /** STS session policy; undefined means the principal may do everything the root may. */
  policy?: SessionPolicyStatement[];
  /** STS only: the role and session named in AssumeRole, quoted in AccessDenied messages. */
  roleArn?: string;
  sessionName?: string;
}

/** RAM action names used by the emulator's operations. */
export type OssAction =
  | 'oss:PutObject'
  | 'oss:GetObject'
  | 'oss:DeleteObject'
  | 'oss:ListObjects'
  | 'oss:ListParts'
  | 'oss:AbortMultipartUpload'
  | 'oss:ListMultipartUploads'
  | 'oss:PutBucketCors'
  | 'oss:GetBucketCors'
  | 'oss:PutBucketLifecycle'
  | 'oss:GetBucketLifecycle'
  | 'oss:GetBucketInfo'
  | 'oss:ListBuckets'
  | 'oss:PutObjectTagging'
  | 'oss:GetObjectTagging'
  | 'oss:DeleteObjectTagging';
