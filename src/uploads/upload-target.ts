// Where this page's uploads go: the token service's key prefix, bucket and endpoint. Asked when
// files are chosen (not on load), so a page that only looks at its uploads fetches no credentials.

import { createCredentialsProvider } from '../../lib/credentials/credentials-provider.ts';
import { objectUrl } from '../../lib/oss-client/object-url.ts';

export interface UploadTarget {
  prefix: string;
  bucket: string;
  endpoint: string;
}

const provider = createCredentialsProvider();

export async function uploadTarget(): Promise<UploadTarget> {
  const { prefix, bucket, endpoint } = await provider.get();
  return { prefix, bucket, endpoint };
}

/** The object's address, for people to copy (the bucket decides who may read it). */
export async function objectAddress(key: string): Promise<string> {
  const { bucket, endpoint } = await uploadTarget();
  return objectUrl(endpoint, bucket, key);
}
