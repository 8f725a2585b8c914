// What the bucket holds, as its owner sees it (signed with the emulator's root key): objects and
// unfinished multipart uploads under a prefix.

import { signRequestV4 } from '../lib/oss/sign-v4.ts';
import { parseXml, type XmlElement } from '../lib/oss/xml.ts';
import { objectUrl } from '../lib/oss-client/object-url.ts';
import { EMULATOR_DEFAULTS } from '../server/config/emulator-defaults.ts';
import type { EmulatorTarget } from './upload-support.ts';

async function rootGet(target: EmulatorTarget, query: [string, string][]): Promise<XmlElement> {
  const credentials = {
    accessKeyId: EMULATOR_DEFAULTS.accessKeyId,
    accessKeySecret: EMULATOR_DEFAULTS.accessKeySecret,
  };
  const headers = await signRequestV4({ method: 'GET', bucket: target.bucket, key: '', query }, credentials, {
    region: EMULATOR_DEFAULTS.region,
    now: new Date(),
  });
  const response = await fetch(objectUrl(target.url, target.bucket, '', query), { headers });
  if (!response.ok) throw new Error(`GET ${JSON.stringify(query)}: HTTP ${response.status}`);
  return parseXml(await response.text(), { arrays: ['Contents', 'Upload'] });
}

const text = (node: unknown) => (typeof node === 'string' ? node : '');

/** Object keys and unfinished multipart uploads (their keys) under `prefix`. */
export async function listBucket(
  target: EmulatorTarget,
  prefix: string,
): Promise<{ objects: string[]; uploads: string[] }> {
  const objects = (await rootGet(target, [['prefix', prefix]])).ListBucketResult as XmlElement;
  const uploads = (
    await rootGet(target, [
      ['uploads', ''],
      ['prefix', prefix],
    ])
  ).ListMultipartUploadsResult as XmlElement;
  return {
    objects: ((objects.Contents ?? []) as XmlElement[]).map((c) => text(c.Key)),
    uploads: ((uploads.Upload ?? []) as XmlElement[]).map((u) => text(u.Key)),
  };
}

/** Temporary parts Background Fetch dropped that are still there (the token service's partsPrefix). */
export async function temporaryParts(target: EmulatorTarget): Promise<string[]> {
  return (await listBucket(target, 'uploads/~parts/')).objects;
}
