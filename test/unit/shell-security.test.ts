import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, isAppUrl, secureWebPreferences } from '../../electron/shell/security.ts';

describe('Electron window security settings', () => {
  it('isolated, sandboxed, no Node in the renderer', () => {
    expect(secureWebPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, webSecurity: true, allowRunningInsecureContent: false, webviewTag: false });
  });
  it('the CSP allows no inline or eval script and no remote content', () => {
    const scriptSrc = contentSecurityPolicy.split('; ').find((d) => d.startsWith('script-src'));
    expect(scriptSrc).toBe("script-src 'self'");
    expect(contentSecurityPolicy).not.toContain('unsafe-eval');
    expect(contentSecurityPolicy).toContain("object-src 'none'");
    expect(contentSecurityPolicy).toContain("frame-ancestors 'none'");
  });
  it('navigation stays on the app page', () => {
    const app = 'file:///opt/aicr-studio/resources/app.asar/.vite/renderer/main_window/index.html';
    expect(isAppUrl(app, app)).toBe(true);
    expect(isAppUrl('file:///etc/passwd', app)).toBe(false);
    expect(isAppUrl('https://evil.example/', app)).toBe(false);
    expect(isAppUrl('http://localhost:5173/', 'http://localhost:5173/')).toBe(true);
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173/')).toBe(false);
    expect(isAppUrl('not a url', app)).toBe(false);
  });
});
