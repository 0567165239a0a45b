/**
 * The Electron security checklist as data, kept free of Electron imports so it can be unit tested:
 * the window's webPreferences and the renderer's Content-Security-Policy.
 */
export const secureWebPreferences = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
  spellcheck: false,
} as const;

/**
 * No inline or eval'd script, nothing loaded from elsewhere, no plugins, no framing. Styles may be
 * inline: the terminal (xterm) and the YAML viewer (CodeMirror) inject <style> elements at run time;
 * a style cannot run code.
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Whether the window may navigate to `url`: only to the app's own page, never elsewhere. */
export function isAppUrl(url: string, appUrl: string): boolean {
  try {
    const target = new URL(url);
    const app = new URL(appUrl);
    return target.protocol === app.protocol && target.host === app.host && target.pathname === app.pathname;
  } catch {
    return false;
  }
}
