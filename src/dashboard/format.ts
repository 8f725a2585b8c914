// Numbers as the dashboard, settings and part views show them. Sizes in binary units (part sizes
// are whole MiB), rates in MB/s as the upload list shows them.

// Building an Intl.NumberFormat costs far more than using one, and a list of uploads formats numbers
// on every progress update (about 10 a second): keep one per precision.
const formatters = new Map<number, Intl.NumberFormat>();
const number = (n: number, digits = 1) => {
  let formatter = formatters.get(digits);
  if (!formatter) {
    formatter = new Intl.NumberFormat('en', { maximumFractionDigits: digits });
    formatters.set(digits, formatter);
  }
  return formatter.format(n);
};

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${number(value, unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function formatRate(bytesPerSecond: number): string {
  const mb = bytesPerSecond / 1e6;
  return `${number(mb, mb < 10 ? 1 : 0)} MB/s`;
}

export function formatCount(n: number): string {
  return number(n);
}

/** "3 h 5 min", "12 min", "40 s": the age of an upload. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ${min % 60} min`;
  return `${Math.floor(h / 24)} days`;
}
