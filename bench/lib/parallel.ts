// Bounded parallelism for request loops: `parallel` lanes each take the next index until none are left.

/**
 * Runs `task(i)` for every i in [0, count) with at most `parallel` in flight, started in order of i.
 * After the first failure no new task starts, and that failure is what rejects.
 */
export async function forEachParallel(
  count: number,
  parallel: number,
  task: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (next < count && !failed) {
      try {
        await task(next++);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, lane));
}
