// The session policy attached to every token: the intersection of the role's permissions and this is
// what the browser can do, so it names only the operations a resumable upload needs, on one bucket
// and one key prefix. No GetObject, DeleteObject or ListObjects: a leaked token can add files under
// the prefix, never read or remove anyone's.

export interface PolicyStatement {
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: string[];
}

export interface SessionPolicy {
  Version: '1';
  Statement: PolicyStatement[];
}

/**
 * oss:PutObject covers PutObject, InitiateMultipartUpload, UploadPart and CompleteMultipartUpload;
 * oss:PutObjectTagging is needed as well when they carry x-oss-tagging (the upload settings' tags).
 * ListMultipartUploads is checked against the bucket itself, so it gets a bucket resource; the
 * uploader passes `prefix` to it, but RAM cannot restrict that parameter without a Condition.
 */
export function buildSessionPolicy(bucket: string, prefix: string): SessionPolicy {
  return {
    Version: '1',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['oss:PutObject', 'oss:PutObjectTagging', 'oss:AbortMultipartUpload', 'oss:ListParts'],
        Resource: [`acs:oss:*:*:${bucket}/${prefix}*`],
      },
      {
        Effect: 'Allow',
        Action: ['oss:ListMultipartUploads'],
        Resource: [`acs:oss:*:*:${bucket}`],
      },
    ],
  };
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
