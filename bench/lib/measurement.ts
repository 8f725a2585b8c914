// One number a benchmark produced, and how it fares against its target. Every suite (the emulator's,
// the browser comparison of Skylift, ali-oss and plain fetch) reports in these terms, so the runner can
// print, store and compare them without knowing what was measured.

export type Comparator = 'at-least' | 'at-most';

interface MeasurementBase {
  /** Specific enough to stand alone in a table row: operation, sizes, parallelism, variant. */
  name: string;
  /** NaN when the measurement could not be taken (see `error`). */
  value: number;
  /** Decimal units (MB = 10^6 bytes), so values and targets read the same as the issue text. */
  unit: string;
  /** How to read the number: method, spread over repeats, what else was going on. */
  note?: string;
  /** Why there is no value: the scenario failed (emulator error, wrong ETag, timeout…). */
  error?: string;
}

/** Judged against a target, or purely informational (the CPU seconds and baselines that explain a miss). */
export type Measurement = MeasurementBase &
  ({ target: number; comparator: Comparator } | { target?: undefined; comparator?: undefined });

export type Status = 'meets' | 'misses' | 'info' | 'error';

export type JudgedMeasurement = Measurement & {
  status: Status;
  /** How far from the target, in `unit`; only when status is 'misses'. */
  missesBy?: number;
};

type Extra = Pick<MeasurementBase, 'note'>;

export function atLeast(name: string, value: number, unit: string, target: number, extra: Extra = {}) {
  return { name, value, unit, target, comparator: 'at-least', ...extra } satisfies Measurement;
}

export function atMost(name: string, value: number, unit: string, target: number, extra: Extra = {}) {
  return { name, value, unit, target, comparator: 'at-most', ...extra } satisfies Measurement;
}

export function info(name: string, value: number, unit: string, extra: Extra = {}): Measurement {
  return { name, value, unit, ...extra };
}

/** A row that says which measurement is missing and why, so one broken scenario doesn't hide the rest. */
export function failed(name: string, error: unknown): Measurement {
  return { name, value: Number.NaN, unit: '', error: error instanceof Error ? error.message : String(error) };
}

export function judge(m: Measurement): JudgedMeasurement {
  if (m.error !== undefined || !Number.isFinite(m.value)) return { ...m, status: 'error' };
  if (m.target === undefined) return { ...m, status: 'info' };
  const shortfall = m.comparator === 'at-least' ? m.target - m.value : m.value - m.target;
  return shortfall <= 0 ? { ...m, status: 'meets' } : { ...m, status: 'misses', missesBy: shortfall };
}

/** Three significant digits at most, thousands separated: 412 MB/s, 1.23 s, 0.0457 s, 10,000 parts. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const options: Intl.NumberFormatOptions =
    abs >= 100 ? { maximumFractionDigits: 0 } : { maximumSignificantDigits: 3 };
  return value.toLocaleString('en-US', options);
}

export function formatQuantity(value: number, unit: string): string {
  return unit === '' ? formatNumber(value) : `${formatNumber(value)} ${unit}`;
}

export function formatTarget(m: Measurement): string {
  if (m.target === undefined) return '—';
  return `${m.comparator === 'at-least' ? '≥' : '≤'} ${formatQuantity(m.target, m.unit)}`;
}

export function formatStatus(m: JudgedMeasurement): string {
  switch (m.status) {
    case 'meets':
      return 'meets';
    case 'info':
      return '—';
    case 'error':
      return `error: ${m.error ?? 'no value'}`;
    case 'misses': {
      const by = m.missesBy ?? 0;
      const percent = m.target ? ` (${formatNumber((100 * by) / m.target)}%)` : '';
      return `misses by ${formatQuantity(by, m.unit)}${percent}`;
    }
  }
}
