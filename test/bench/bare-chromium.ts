/**
 * Debian's Chromium driven over the DevTools protocol with nothing but Runtime, Page and Input: no
 * Network domain. Playwright enables it on every page it drives, and the browser then copies every
 * WebSocket frame to the driver: a log flood is 100 MB of frames, and that copying cost the app a
 * third of its throughput (the transport alone: 150-265k lines/s under Playwright, 320-370k bare,
 * same machine). A user's browser does no such thing, so the log benchmark measures without it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';

interface Reply {
  id?: number;
  result?: Record<string, unknown>;
  error?: { message: string };
}

export interface BarePage {
  /** Runs `fn(arg)` in the page, awaiting a returned promise; its value comes back as JSON. */
  evaluate<A, T>(fn: (arg: A) => T | Promise<T>, arg: A): Promise<T>;
  /** Resolves once `fn(arg)` is truthy in the page (checked every `pollMs`); fails after `timeoutMs`, saying `what`. */
  waitFor<A>(fn: (arg: A) => unknown, arg: A, what: string, timeoutMs: number, pollMs?: number): Promise<void>;
  /** Runs `source` in every document the page loads from now on, before its own scripts. */
  beforeEachDocument(source: string): Promise<void>;
  navigate(url: string): Promise<void>;
  /** Types `text` into the element as a user would (focused, its content replaced). */
  fill(selector: string, text: string): Promise<void>;
  press(key: 'Enter'): Promise<void>;
  click(selector: string): Promise<void>;
  close(): Promise<void>;
}

export interface BareChromium {
  /** The browser's process; its renderers, GPU and network processes run below it. */
  pid: number;
  newPage(size: { width: number; height: number }): Promise<BarePage>;
  close(): Promise<void>;
}

export async function launchBareChromium(executable = process.env.AICR_CHROMIUM ?? '/usr/bin/chromium'): Promise<BareChromium> {
  const profile = mkdtempSync(path.join(tmpdir(), 'aicr-bench-chromium-'));
  const chrome = spawn(executable, ['--headless', '--no-sandbox', '--no-first-run', '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const endpoint = await new Promise<string>((resolve, reject) => {
    createInterface({ input: chrome.stderr }).on('line', (line) => {
      const match = /DevTools listening on (ws:\S+)/.exec(line);
      if (match) resolve(match[1] as string);
    });
    chrome.once('exit', (code) => reject(new Error(`${executable} exited with ${code} before it listened for DevTools`)));
  });
  const socket = new WebSocket(endpoint, { perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  let lastId = 0;
  const waiting = new Map<number, (reply: Reply) => void>();
  socket.on('message', (data) => {
    const reply = JSON.parse(String(data)) as Reply;
    if (reply.id !== undefined) waiting.get(reply.id)?.(reply);
  });
  async function send(method: string, params: object = {}, sessionId?: string): Promise<Record<string, unknown>> {
    const id = ++lastId;
    const reply = await new Promise<Reply>((resolve) => {
      waiting.set(id, resolve);
      socket.send(JSON.stringify({ id, method, params, sessionId }));
    });
    waiting.delete(id);
    if (reply.error) throw new Error(`${method}: ${reply.error.message}`);
    return reply.result ?? {};
  }

  async function newPage(size: { width: number; height: number }): Promise<BarePage> {
    const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    const call = (method: string, params: object = {}) => send(method, params, sessionId);
    await call('Page.enable');
    await call('Emulation.setDeviceMetricsOverride', { ...size, deviceScaleFactor: 1, mobile: false });
    async function evaluate<A, T>(fn: (arg: A) => T | Promise<T>, arg: A): Promise<T> {
      const expression = `(${fn.toString()})(${JSON.stringify(arg)})`;
      const reply = (await call('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true })) as { result: { value: T }; exceptionDetails?: { exception?: { description?: string }; text: string } };
      if (reply.exceptionDetails) throw new Error(reply.exceptionDetails.exception?.description ?? reply.exceptionDetails.text);
      return reply.result.value;
    }
    const page: BarePage = {
      evaluate,
      async waitFor(fn, arg, what, timeoutMs, pollMs = 50) {
        for (const deadline = Date.now() + timeoutMs; !(await evaluate(fn, arg)); await new Promise((resolve) => setTimeout(resolve, pollMs))) {
          if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
        }
      },
      async beforeEachDocument(source) {
        await call('Page.addScriptToEvaluateOnNewDocument', { source });
      },
      async navigate(url) {
        // The old document is marked, so that a page of the same origin is not taken for the new one.
        await evaluate(() => void Object.assign(window, { __leaving: true }), undefined);
        await call('Page.navigate', { url });
        await page.waitFor(() => !('__leaving' in window) && document.readyState === 'complete', undefined, `loading ${new URL(url).pathname}`, 30_000);
      },
      async fill(selector, text) {
        await page.waitFor((s) => document.querySelector(s) !== null, selector, `${selector} to appear`, 30_000);
        await evaluate((s) => {
          const input = document.querySelector(s) as HTMLInputElement;
          input.focus();
          input.select();
        }, selector);
        await call('Input.insertText', { text });
      },
      async press(key) {
        const event = { key, code: key, windowsVirtualKeyCode: 13, text: '\r' };
        await call('Input.dispatchKeyEvent', { type: 'keyDown', ...event });
        await call('Input.dispatchKeyEvent', { type: 'keyUp', ...event });
      },
      async click(selector) {
        await page.waitFor((s) => document.querySelector(s) !== null, selector, `${selector} to appear`, 30_000);
        await evaluate((s) => (document.querySelector(s) as HTMLElement).click(), selector);
      },
      async close() {
        await send('Target.closeTarget', { targetId });
      },
    };
    return page;
  }

  return {
    pid: chrome.pid as number,
    newPage,
    async close() {
      socket.close();
      if (chrome.exitCode === null) {
        const exited = new Promise((resolve) => chrome.once('exit', resolve));
        chrome.kill();
        await exited;
      }
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
