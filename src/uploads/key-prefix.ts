// The person's own key prefix (e.g. `holiday-2024/`), kept in this browser like the upload settings.
// An object key is the token service's prefix (the only place the credentials may write), then
// this prefix, then the file's path relative to what was chosen (`folder/sub/file.jpg`).

export const KEY_PREFIX_STORAGE_KEY = 'skylift.key-prefix.v1';

type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem'>;

export function loadKeyPrefix(storage: KeyValueStorage = localStorage): string {
  try {
    return storage.getItem(KEY_PREFIX_STORAGE_KEY) ?? '';
  } catch {
    return '';
  }
}

export function saveKeyPrefix(prefix: string, storage: KeyValueStorage = localStorage): void {
  storage.setItem(KEY_PREFIX_STORAGE_KEY, prefix);
}

/** What is wrong with a prefix as typed, in words; undefined when it is fine. */
export function keyPrefixProblem(prefix: string): string | undefined {
  if (prefix.startsWith('/') || prefix.startsWith('\\')) {
    return 'Start the prefix with a name, not / or \\ (it already follows the upload folder).';
  }
  if (prefix.includes('//')) return 'Use single slashes: OSS would keep an empty folder name.';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
  if (/[\u0000-\u001f\u007f]/.test(prefix)) return 'Remove the control characters (tabs, line breaks).';
  return undefined;
}

/** The object key for a file: token prefix + own prefix + its relative path (slashes as `/`). */
export function objectKey(tokenPrefix: string, ownPrefix: string, relativePath: string): string {
  return `${tokenPrefix}${ownPrefix}${relativePath.replace(/^\/+/, '')}`;
}

/** A name short enough for a message: hostile 1000-character names must not bury what is said. */
export function shortName(name: string, max = 80): string {
  const chars = [...name];
  return chars.length <= max ? name : `${chars.slice(0, max - 1).join('')}…`;
}
