/** The summary of the snapshot being viewed, computed in a worker; undefined while it is computed or `yaml` is not there yet. */
import { useEffect, useState } from 'react';
import type { SummaryResult } from './summary.ts';

export function useSnapshotSummary(yaml: string | undefined): SummaryResult | undefined {
  const [result, setResult] = useState<{ yaml: string; summary: SummaryResult }>();
  useEffect(() => {
    if (yaml === undefined) return;
    let worker: Worker | undefined;
    // Started after the YAML is on screen: handing a big text to the worker copies it on this thread.
    const start = setTimeout(() => {
      worker = summarize(yaml, (summary) => setResult({ yaml, summary }));
    });
    return () => {
      clearTimeout(start);
      worker?.terminate();
    };
  }, [yaml]);
  // A result for an earlier snapshot is not this one's.
  return yaml !== undefined && result?.yaml === yaml ? result.summary : undefined;
}

function summarize(yaml: string, done: (summary: SummaryResult) => void): Worker {
  const worker = new Worker(new URL('./summary.worker.ts', import.meta.url));
  worker.onmessage = (message: MessageEvent<SummaryResult>) => {
    done(message.data);
    worker.terminate();
  };
  worker.onerror = (event) => {
    done({ problem: `the snapshot could not be read: ${event.message}` });
    worker.terminate();
  };
  worker.postMessage(yaml);
  return worker;
}
