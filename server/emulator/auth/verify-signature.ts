// The last authentication step: recompute the signature with the shared lib/oss signer (the same
// code the browser signs with) and compare. Mismatches report the server's StringToSign, as OSS does,
// so a client author can diff it against their own.
import { timingSafeEqual } from 'node:crypto';
import { signatureV1, stringToSignV1 } from '../../../lib/oss/sign-v1.ts';
import { computeSignatureV4 } from '../../../lib/oss/sign-v4.ts';
import { ossError } from '../errors.ts';
import type { AuthRequest } from './auth-types.ts';
import type { SignedRequest } from './signed-request.ts';

/** Constant time, so response timing does not reveal how much of a guessed signature was right. */
function sameSignature(provided: string, expected: string): boolean {
  const a = Buffer.from(provided);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function verifySignature(
  req: AuthRequest,
  signed: SignedRequest,
  secret: string,
): Promise<void> {
  const request = { method: req.method, bucket: req.bucket, key: req.key, headers: req.headers };
  if (signed.scheme === 'v4-header' || signed.scheme === 'v4-query') {
    // A presigned URL signs every query parameter except the signature itself.
    const query =
      signed.scheme === 'v4-query'
        ? signed.query.filter(([name]) => name !== 'x-oss-signature')
        : signed.query;
    const expected = await computeSignatureV4({ ...request, query }, secret, {
      isoDate: signed.isoDate,
      region: signed.scope.region,
      product: signed.scope.product,
      additionalHeaders: signed.additionalHeaders,
    });
    if (!sameSignature(signed.signature.toLowerCase(), expected.signature)) {
      throw ossError.signatureDoesNotMatchV4(
        signed.accessKeyId,
        signed.signature,
        expected.stringToSign,
        expected.canonicalRequest,
      );
    }
    return;
  }
  const stringToSign = stringToSignV1({
    ...request,
    query: signed.query,
    ...(signed.scheme === 'v1-query' ? { dateOrExpires: signed.expires } : {}),
  });
  if (!sameSignature(signed.signature, await signatureV1(secret, stringToSign))) {
    throw ossError.signatureDoesNotMatchV1(signed.accessKeyId, signed.signature, stringToSign);
  }
}
