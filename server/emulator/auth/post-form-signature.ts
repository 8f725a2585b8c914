// PostObject authentication (OSS API reference: PostObject; "Signature Version 4 (recommended)", POST
// section): the form carries the credential and a signature over the base64 policy text, nothing else.
//   V1: Signature = base64(HMAC-SHA1(AccessKeySecret, policy))
//   V4: x-oss-signature = hex(HMAC-SHA256(signing key of x-oss-credential's scope, policy))
// The policy's own conditions (expiration, eq, starts-with...) are checked in handlers/post-policy.ts.

import { timingSafeEqual } from 'node:crypto';
import { signatureV1 } from '../../../lib/oss/sign-v1.ts';
import {
  ALGORITHM_V4,
  type CredentialScopeV4,
  parseCredentialV4,
  parseIsoDateV4,
  signatureV4,
} from '../../../lib/oss/sign-v4.ts';
import { ossError } from '../errors.ts';
import { MAX_SKEW_MS } from './clock.ts';

/** A V4 form signature stays valid this long after its x-oss-date (the POST V4 signature rules). */
const MAX_V4_FORM_AGE_MS = 7 * 24 * 3600 * 1000;

interface FormCommon {
  accessKeyId: string;
  securityToken: string | undefined;
  /** The policy field exactly as sent (base64 text): what the signature covers. */
  policy: string;
  signature: string;
}

export type SignedPostForm =
  | (FormCommon & { version: 'v1' })
  | (FormCommon & { version: 'v4'; scope: CredentialScopeV4; isoDate: string; requestTime: number });

/** Form field names are case-insensitive; `fields` holds them lowercased. */
type Fields = ReadonlyMap<string, string>;

const V1_FIELDS = ['ossaccesskeyid', 'policy', 'signature'] as const;

/**
 * The credentials a form carries, or undefined for an anonymous form (no policy, no signature).
 * Throws InvalidArgument for a half-signed form, as OSS does.
 */
export function readSignedPostForm(fields: Fields): SignedPostForm | undefined {
  const securityToken = fields.get('x-oss-security-token');
  const version = fields.get('x-oss-signature-version');
  if (version !== undefined) {
    if (version !== ALGORITHM_V4) {
      throw ossError.invalidArgument(
        `x-oss-signature-version must be ${ALGORITHM_V4}.`,
        'x-oss-signature-version',
        version,
      );
    }
    const missing = ['x-oss-credential', 'x-oss-date', 'x-oss-signature', 'policy'].filter(
      (name) => (fields.get(name) ?? '') === '',
    );
    if (missing.length > 0) {
      throw ossError.invalidArgument(
        `A V4-signed PostObject form needs x-oss-credential, x-oss-date, x-oss-signature and policy; it lacks ${missing.join(', ')}.`,
        missing[0],
        '',
      );
    }
    const credential = fields.get('x-oss-credential')!;
    const isoDate = fields.get('x-oss-date')!;
    let scope: CredentialScopeV4;
    let requestTime: number;
    try {
      scope = parseCredentialV4(credential);
      requestTime = parseIsoDateV4(isoDate).getTime();
    } catch (error) {
      throw ossError.invalidArgument(
        (error as Error).message,
        'x-oss-credential',
        credential,
        '0002-00000709',
      );
    }
    if (scope.date !== isoDate.slice(0, 8)) {
      throw ossError.invalidArgument(
        `The credential date ${scope.date} is not the day of x-oss-date ${isoDate}.`,
        'x-oss-credential',
        credential,
        '0002-00000709',
      );
    }
    return {
      version: 'v4',
      accessKeyId: scope.accessKeyId,
      securityToken,
      policy: fields.get('policy')!,
      signature: fields.get('x-oss-signature')!,
      scope,
      isoDate,
      requestTime,
    };
  }
  const present = V1_FIELDS.filter((name) => fields.has(name));
  if (present.length === 0) return undefined;
  if (present.length < V1_FIELDS.length) {
    throw ossError.invalidArgument(
      'A V1-signed PostObject form needs all of OSSAccessKeyId, policy and Signature.',
      V1_FIELDS.find((name) => !fields.has(name)),
      '',
    );
  }
  return {
    version: 'v1',
    accessKeyId: fields.get('ossaccesskeyid')!,
    securityToken,
    policy: fields.get('policy')!,
    signature: fields.get('signature')!,
  };
}

function same(provided: string, expected: string): boolean {
  const a = Buffer.from(provided);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function verifyPostFormSignature(
  form: SignedPostForm,
  secret: string,
  now: number,
): Promise<void> {
  if (form.version === 'v4') {
    if (now < form.requestTime - MAX_SKEW_MS) {
      throw ossError.requestTimeTooSkewed(new Date(form.requestTime), new Date(now));
    }
    if (now > form.requestTime + MAX_V4_FORM_AGE_MS) {
      throw ossError.requestExpired(new Date(form.requestTime + MAX_V4_FORM_AGE_MS), new Date(now));
    }
    const { date, region, product } = form.scope;
    const expected = await signatureV4(secret, date, region, form.policy, product);
    if (!same(form.signature.toLowerCase(), expected)) {
      throw ossError.postSignatureDoesNotMatch(form.accessKeyId, form.signature);
    }
    return;
  }
  if (!same(form.signature, await signatureV1(secret, form.policy))) {
    throw ossError.postSignatureDoesNotMatch(form.accessKeyId, form.signature);
  }
}
