// The RSA key the emulator signs callbacks with (OSS API reference: "Callback"), standing in for OSS's callback_pub_key_v1.pem.
// Kept in the data dir so an app server that cached the public key keeps verifying across restarts,
// and made on first use only: RSA key generation costs ~100 ms that most emulators never need.

import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject, sign } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { writeFileAtomically } from '../persistence/json-file.ts';

const generateRsaKeyPair = promisify(generateKeyPair);

export interface CallbackSigningKey {
  privateKey: KeyObject;
  /** SPKI PEM (`BEGIN PUBLIC KEY`), the format OSS publishes and verifiers parse. */
  publicKeyPem: string;
}

export const callbackKeyFile = (dataDir: string) => join(dataDir, 'callback-signing-key.pem');

async function loadOrCreate(path: string): Promise<KeyObject> {
  try {
    return createPrivateKey(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { privateKey } = await generateRsaKeyPair('rsa', { modulusLength: 2048 });
  await mkdir(dirname(path), { recursive: true });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  await writeFileAtomically(path, pem, 0o600);
  return privateKey;
}

/** One key per data dir, loaded (or generated) the first time it is asked for. */
export function callbackSigningKey(dataDir: string): () => Promise<CallbackSigningKey> {
  let pending: Promise<CallbackSigningKey> | undefined;
  return () => {
    pending ??= loadOrCreate(callbackKeyFile(dataDir)).then((privateKey) => ({
      privateKey,
      publicKeyPem: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }) as string,
    }));
    // A failed attempt (e.g. unwritable dir) is not cached, so the next callback tries again.
    pending.catch(() => {
      pending = undefined;
    });
    return pending;
  };
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path; // a stray `%` the app server cannot decode either
  }
}

/**
 * The callback's `authorization` header: base64 of the PKCS#1 v1.5 RSA signature, with MD5 as the digest,
 * over `url_decode(path) + query + "\n" + body`, where query keeps its `?` and is empty without one.
 */
export function callbackAuthorization(privateKey: KeyObject, url: URL, body: Buffer): string {
  const path = safeDecode(url.pathname);
  const signed = Buffer.concat([Buffer.from(`${path}${url.search}\n`, 'utf8'), body]);
  return sign('md5', signed, privateKey).toString('base64');
}
