/**
 * Counts reported as they come, but at most one report per interval: the first at once (a run's first
 * log line is acknowledged without delay), later ones summed until the interval is over.
 */
export function summedAtMostEvery(intervalMs: number, report: (count: number) => void): (count: number) => void {
  let owed = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const reportOwed = () => {
    timer = undefined;
    if (owed === 0) return;
    report(owed);
    owed = 0;
    timer = setTimeout(reportOwed, intervalMs);
  };
  return (count) => {
    owed += count;
    if (!timer) reportOwed();
  };
}
