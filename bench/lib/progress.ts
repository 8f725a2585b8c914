// Progress lines on stderr, so a minutes-long run shows it is alive while stdout keeps only the tables.

const started = performance.now();

export function progress(message: string): void {
  const seconds = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[${seconds} s] ${message}\n`);
}
