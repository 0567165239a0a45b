/**
 * Desktop launchers start apps with a bare PATH (/usr/bin:/bin on macOS), so exec credential plugins
 * installed by Homebrew, gcloud or asdf are "not found". The app asks the user's login shell for its
 * PATH once at start-up, bounded in time, and keeps the current PATH if that fails.
 */
import { execFile } from 'node:child_process';

const SHELL_TIMEOUT_MS = 3_000;
const MARKER = '__AICR_PATH__';

export function loginShellPath(shell = process.env.SHELL || '/bin/sh', timeoutMs = SHELL_TIMEOUT_MS): Promise<string | undefined> {
  return new Promise((resolve) => {
    // Markers around the value: login scripts may print banners of their own.
    execFile(shell, ['-ilc', `printf '%s%s%s' ${MARKER} "$PATH" ${MARKER}`], { timeout: timeoutMs, encoding: 'utf8', killSignal: 'SIGKILL' }, (err, stdout) => {
      if (err) return resolve(undefined);
      const match = new RegExp(`${MARKER}(.*)${MARKER}`, 's').exec(stdout);
      resolve(match?.[1] || undefined);
    });
  });
}

/** The login shell's PATH followed by the current entries it lacks. */
export function mergedPath(loginPath: string | undefined, current = process.env.PATH ?? ''): string {
  const entries = [...(loginPath ?? '').split(':'), ...current.split(':')].filter((e) => e !== '');
  return [...new Set(entries)].join(':');
}
