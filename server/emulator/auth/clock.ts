// Request times as OSS reads them. OSS refuses header-signed requests more than 15 minutes off its
// clock, which is what makes a captured signed request useless later (and why clients re-sign parts).

/** ±15 minutes, the window OSS (and STS for its Timestamp) allows. */
export const MAX_SKEW_MS = 15 * 60 * 1000;

const ISO_BASIC = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** Parses a V4 `x-oss-date` (`20250115T083000Z`); undefined when it is not that exact shape. */
export function parseIsoBasic(value: string): number | undefined {
  const m = ISO_BASIC.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC rolls 20250231 over to March; a date that does not round-trip is not a date.
  return new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '') === value ? ms : undefined;
}

/** Parses a V1 `Date` / `x-oss-date` (RFC 1123, `Wed, 15 Jan 2025 08:30:00 GMT`). */
export function parseHttpDate(value: string): number | undefined {
  if (!/GMT$/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
