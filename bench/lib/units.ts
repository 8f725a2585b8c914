// Sizes are set in binary units (OSS part sizes are KiB/MiB), results reported in decimal MB, as the
// targets in the issues are written.

export { GiB, KiB, MiB } from '../../lib/oss/limits.ts';

const MB = 1e6;

export const toMB = (bytes: number) => bytes / MB;
export const mbPerSecond = (bytes: number, seconds: number) => bytes / MB / seconds;

/** Seconds elapsed since a performance.now() reading. */
export const secondsSince = (start: number) => (performance.now() - start) / 1000;
