/**
 * Work the page does ahead of need, each a task of 50-100 ms (warming up a spare terminal, compiling
 * the snapshot viewer's code): done once the page awaits no answer from main, when it is idle. The
 * page takes in an answer only while its thread is free: a spare's warm-up in the idle time while
 * the window's first answers were on their way held up the node list of a 5,000-node cluster (about
 * 1 MB) by the warm-up's length.
 */
import { allAnswered, callsAwaitingAnswer } from './transport.ts';

/** The longest background work waits for answers: a cluster that never answers must not hold it back for good. */
const ANSWERS_WAIT_MS = 3_000;
/** The longest it waits for the page to be idle each time. */
const IDLE_WAIT_MS = 2_000;

/**
 * Runs `work` when the page is idle and no call awaits its answer. Asked again at each idle time: the
 * answer to one call often makes the next (the contexts, then the selected one's nodes).
 */
export function doInBackground(work: () => void): void {
  const answersDeadline = performance.now() + ANSWERS_WAIT_MS;
  const whenIdle = () => {
    const answersWait = answersDeadline - performance.now();
    if (callsAwaitingAnswer() > 0 && answersWait > 0) void allAnswered(answersWait).then(schedule);
    else work();
  };
  const schedule = () => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(whenIdle, { timeout: IDLE_WAIT_MS });
    else setTimeout(whenIdle);
  };
  schedule();
}
