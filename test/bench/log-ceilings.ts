/**
 * The ceilings the app's log flood is compared with, measured in the same browser and run: xterm
 * alone fed from memory, and the transport alone (main and the browser's WebSocket, no terminal).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { AgentSettings } from '../../shared/contract.ts';
import { skipIdleSelectionRedraws, skipIdleSelectionRedrawsOf } from '../../renderer/terminal-selection.ts';
import { syncViewportOncePerFrame, syncViewportOncePerFrameOf } from '../../renderer/terminal-viewport.ts';
import type { BareChromium, BarePage } from './bare-chromium.ts';

const xtermFile = (file: string) => path.join(path.dirname(createRequire(import.meta.url).resolve('@xterm/xterm/package.json')), file);

/**
 * The ceiling: xterm alone in a blank page of the same browser, fed lines like the agent's (colour
 * codes, ~100 bytes) from memory in slices of the most lines the app writes at once (its terminal feed
 * writes smaller ones while the parser is still slow), in a terminal of the app's size, with the app's
 * changes to xterm (selection redraws only when there is a selection, scrollbar syncs once a frame).
 */
export async function xtermOnlyLinesPerSec(browser: BareChromium, size: { width: number; height: number }, lines: number): Promise<number> {
  const page = await browser.newPage({ width: 1280, height: 800 });
  try {
    await page.evaluate((css) => document.head.append(Object.assign(document.createElement('style'), { textContent: css })), readFileSync(xtermFile('css/xterm.css'), 'utf8'));
    // The library's UMD build defines window.Terminal when run as a plain script.
    await page.evaluate((source) => (0, eval)(source) as unknown, readFileSync(xtermFile('lib/xterm.js'), 'utf8'));
    const changes = [skipIdleSelectionRedraws, skipIdleSelectionRedrawsOf, syncViewportOncePerFrame, syncViewportOncePerFrameOf];
    await page.evaluate((source) => (0, eval)(source) as unknown, changes.map((change) => `globalThis.${change.name} = ${change.toString()};`).join('\n'));
    return await page.evaluate(
      ({ size, lines }) =>
        new Promise<number>((resolve) => {
          const slot = document.createElement('div');
          Object.assign(slot.style, { width: `${size.width}px`, height: `${size.height}px` });
          document.body.append(slot);
          const { Terminal } = window as unknown as { Terminal: new (options: object) => { open(e: HTMLElement): void; write(d: string, cb?: () => void): void; scrollToBottom(): void } };
          const terminal = new Terminal({ scrollback: 20_000, convertEol: true, disableStdin: true, fontSize: 12 });
          terminal.open(slot);
          const changed = window as unknown as Record<'skipIdleSelectionRedrawsOf' | 'syncViewportOncePerFrameOf', (t: object) => boolean>;
          if (!changed.skipIdleSelectionRedrawsOf(terminal) || !changed.syncViewportOncePerFrameOf(terminal)) throw new Error("the app's changes to xterm do not apply");
          const started = performance.now();
          let queued = 0;
          let written = 0;
          // The app's window: at most 20,000 lines in xterm's queue, in slices of 1,300 (about 128 KB).
          const pump = () => {
            while (queued < lines && queued - written < 20_000) {
              const first = queued;
              const count = Math.min(1_300, lines - first);
              queued += count;
              const text = Array.from({ length: count }, (_v, i) => `\x1b[32m[agent] collecting measurement batch: line=${first + i + 1} of=${lines} collector=node-topology sample=${'c0ffee'.repeat(3)}\x1b[0m`).join('\n');
              terminal.write(`${text}\n`, () => {
                terminal.scrollToBottom();
                written += count;
                if (written === lines) resolve((lines * 1000) / (performance.now() - started));
                else pump();
              });
            }
          };
          pump();
        }),
      { size, lines },
    );
  } finally {
    await page.close();
  }
}

/** What the transport-only page records. */
interface TransportProgress {
  received: number;
  first: number;
  last: number;
  error?: string;
}

declare global {
  interface Window {
    __transport: TransportProgress;
  }
}

/**
 * The transport's ceiling: the same flood through main and the browser's WebSocket into a page of the
 * app's origin that reads each batch (JSON.parse, as the app must) and acknowledges it at once,
 * drawing nothing. No terminal can take lines faster than they arrive here. `cpuFrom` is called at the
 * first batch; what it returns is called once every line came (the CPU time of the flood itself).
 */
export async function transportOnlyFlood<T>(page: BarePage, appUrl: string, settings: AgentSettings, lines: number, cpuFrom: () => () => T): Promise<{ linesPerSec: number; cpu: T }> {
  // Leaves the app (its connection closes, so it draws nothing of this run) for a page of the same origin.
  await page.navigate(new URL('/transport-ceiling', appUrl).href);
  await page.evaluate(
    ({ settings, lines }) => {
      const progress: TransportProgress = { received: 0, first: 0, last: 0 };
      window.__transport = progress;
      const ws = new WebSocket(`ws://${location.host}/api`);
      let runId: string | undefined;
      ws.onopen = () => ws.send(JSON.stringify({ id: 1, call: 'startRun', params: { context: 'aicr-admin', settings, timeoutMs: 300_000, cleanup: true } }));
      ws.onmessage = (message) => {
        type Event = { type: 'run-event'; event: { runId: string; type: string; lines?: string[] } } | { type: 'run-summary'; run: { runId: string; outcome: string } };
        const { id, ok, result, error, event } = JSON.parse(String(message.data)) as { id?: number; ok?: boolean; result?: { runId: string }; error?: { message: string }; event?: Event };
        if (id === 1 && !ok) progress.error = `the transport-only flood did not start: ${error?.message}`;
        if (id === 1 && ok) runId = result?.runId;
        if (event?.type === 'run-summary' && event.run.runId === runId && event.run.outcome !== 'running' && progress.received < lines) progress.error = `the transport-only flood ended ${event.run.outcome} after ${progress.received} of ${lines} lines`;
        if (event?.type !== 'run-event' || event.event.type !== 'log') return;
        const count = event.event.lines?.length ?? 0;
        progress.first ||= performance.now();
        progress.received += count;
        progress.last = performance.now();
        ws.send(JSON.stringify({ id: 0, call: 'ackLogs', params: { runId: event.event.runId, lines: count } }));
      };
    },
    { settings, lines },
  );
  // Until `lines` lines came (0: the first batch), or the flood failed.
  const arrived = (wanted: number) => Boolean(window.__transport.error) || (wanted === 0 ? window.__transport.first > 0 : window.__transport.received >= wanted);
  await page.waitFor(arrived, 0, "the transport-only flood's first lines", 120_000, 20);
  const cpuUntilNow = cpuFrom();
  await page.waitFor(arrived, lines, `all ${lines} lines of the transport-only flood`, 300_000, 100);
  const cpu = cpuUntilNow();
  const progress = await page.evaluate(() => window.__transport, undefined);
  if (progress.error) throw new Error(progress.error);
  return { linesPerSec: (progress.received * 1000) / (progress.last - progress.first), cpu };
}
