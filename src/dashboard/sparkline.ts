// Throughput samples → the points of an SVG polyline, and the words that go with it.

export interface SparklineGeometry {
  width: number;
  height: number;
}

/** Oldest sample at the left; the highest sample touches the top, zero sits on the bottom edge. */
export function sparklinePoints(samples: readonly number[], { width, height }: SparklineGeometry): string {
  if (samples.length === 0) return '';
  const peak = Math.max(...samples, 0);
  const step = samples.length > 1 ? width / (samples.length - 1) : 0;
  const y = (v: number) => (peak > 0 ? height - (Math.max(0, v) / peak) * height : height);
  const round = (n: number) => Math.round(n * 10) / 10;
  const points = samples.map((v, i) => `${round(i * step)},${round(y(v))}`);
  // A single sample still draws a level line across the box.
  if (samples.length === 1) points.push(`${width},${round(y(samples[0] ?? 0))}`);
  return points.join(' ');
}
