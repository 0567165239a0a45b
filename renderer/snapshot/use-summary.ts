/** The summary of the snapshot being viewed, computed in a worker; undefined while it is computed. */
import { useEffect, useState } from 'react';
import type { SummaryResult } from './summary.ts';

export function useSnapshotSummary(yaml: string): SummaryResult | undefined {
  const [result, setResult] = useState<{ yaml: string; summary: SummaryResult }>();
  useEffect(() => {
    const worker = new Worker(new URL('./summary.worker.ts', import.meta.url));
    worker.onmessage = (message: MessageEvent<SummaryResult>) => {
      setResult({ yaml, summary: message.data });
      worker.terminate();
    };
    worker.onerror = (event) => {
      setResult({ yaml, summary: { problem: `the snapshot could not be read: ${event.message}` } });
      worker.terminate();
    };
    worker.postMessage(yaml);
    return () => worker.terminate();
  }, [yaml]);
  // A result for an earlier snapshot is not this one's.
  return result?.yaml === yaml ? result.summary : undefined;
}
