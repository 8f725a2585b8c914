// Web origins as configured for CORS (the emulator's --cors-origin, OSS_EMULATOR_CORS_ORIGINS): an
// origin, or a pattern with one `*` as OSS's AllowedOrigin takes it.

/**
 * An AllowedOrigin value: `*`, or an origin (`http://localhost:8080`) with at most one `*` wildcard
 * (`https://*.example.com`). Throws an Error saying what is wrong.
 */
export function checkOriginPattern(value: string): string {
  if (value === '*') return value;
  if (value.split('*').length > 2) throw new Error(`"${value}" has more than one "*"`);
  let url: URL;
  try {
    url = new URL(value.replace('*', 'wildcard'));
  } catch {
    throw new Error(`"${value}" is not an origin such as http://localhost:8080`);
  }
  if (url.origin.replace('wildcard', '*') !== value) {
    throw new Error(`"${value}" is not an origin such as http://localhost:8080 (scheme, host and port only)`);
  }
  return value;
}
