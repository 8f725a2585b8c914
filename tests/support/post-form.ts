// Test support: PostObject forms as a browser page builds them — policy signed by ali-oss's own signers
// (calculatePostSignature for V1, signPostObjectPolicyV4 for V4, as in the ali-oss README), posted as
// multipart/form-data with fetch and FormData, the file last.

import type OSS from 'ali-oss';
import { isoDateV4, signingRegionV4 } from '../../lib/oss/sign-v4.ts';
import { EMULATOR_DEFAULTS } from '../../server/config/emulator-defaults.ts';

export type PolicyCondition = Record<string, string> | (string | number | string[])[];

export interface PostPolicyDocument {
  expiration: string;
  conditions: PolicyCondition[];
}

/** ali-oss client methods @types/ali-oss does not declare. */
interface PostSigners {
  calculatePostSignature(policy: object): { OSSAccessKeyId: string; Signature: string; policy: string };
  signPostObjectPolicyV4(policy: object, date: Date): string;
}

export const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();

/**
 * Credential fields for `policy`, signed by `client`'s credentials. V4 adds the credential, date and
 * version conditions every official sample pins, then signs the policy that carries them.
 */
export function signPostForm(
  client: OSS,
  version: 'V1' | 'V4',
  policy: PostPolicyDocument,
  stsToken?: string,
): Record<string, string> {
  const signers = client as unknown as PostSigners & { options: { accessKeyId: string } };
  const token: Record<string, string> = stsToken ? { 'x-oss-security-token': stsToken } : {};
  if (version === 'V1') {
    const withToken = stsToken ? { ...policy, conditions: [...policy.conditions, token] } : policy;
    const { OSSAccessKeyId, Signature, policy: encoded } = signers.calculatePostSignature(withToken);
    return { OSSAccessKeyId, Signature, policy: encoded, ...token };
  }
  const date = new Date();
  const v4Fields = {
    'x-oss-signature-version': 'OSS4-HMAC-SHA256',
    'x-oss-credential': `${signers.options.accessKeyId}/${isoDateV4(date).slice(0, 8)}/${signingRegionV4(EMULATOR_DEFAULTS.region)}/oss/aliyun_v4_request`,
    'x-oss-date': isoDateV4(date),
    ...token,
  };
  const signed = {
    ...policy,
    conditions: [...policy.conditions, ...Object.entries(v4Fields).map(([k, v]) => ({ [k]: v }))],
  };
  return {
    ...v4Fields,
    policy: Buffer.from(JSON.stringify(signed), 'utf8').toString('base64'),
    'x-oss-signature': signers.signPostObjectPolicyV4(signed, date),
  };
}

export interface PostResult {
  status: number;
  headers: Headers;
  text: string;
}

/** POSTs a form (fields in order, then the file) to `url` without following redirects. */
export async function postForm(
  url: string,
  fields: Record<string, string>,
  file: Uint8Array | undefined,
  options: { filename?: string; fileType?: string; headers?: Record<string, string> } = {},
): Promise<PostResult> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  if (file)
    form.append(
      'file',
      new Blob([new Uint8Array(file)], { type: options.fileType }),
      options.filename ?? 'upload.bin',
    );
  const res = await fetch(url, { method: 'POST', body: form, headers: options.headers, redirect: 'manual' });
  return { status: res.status, headers: res.headers, text: await res.text() };
}
