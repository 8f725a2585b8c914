// Request times as OSS reads them. OSS refuses header-signed requests more than 15 minutes off its
// clock, which is what makes a captured signed request useless later (and why clients re-sign parts).

/** ±15 minutes, the window OSS (and STS for its Timestamp) allows. */
export const MAX_SKEW_MS = 15 * 60 * 1000;

/** Parses a V1 `Date` / `x-oss-date` (RFC 1123, `Wed, 15 Jan 2025 08:30:00 GMT`). */
export function parseHttpDate(value: string): number | undefined {
  if (!/GMT$/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
