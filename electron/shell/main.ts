/**
 * The Electron main process: one locked-down window. The deployer core and the IPC contract plug in
 * here as they arrive; nothing in this file is imported by tests (the Electron binary is not needed
 * to build or test the rest).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, session, shell } from 'electron';
import { contentSecurityPolicy, isAppUrl, secureWebPreferences } from './security.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

function rendererUrl(): string {
  if (MAIN_WINDOW_VITE_DEV_SERVER_URL) return MAIN_WINDOW_VITE_DEV_SERVER_URL;
  return new URL(`file://${path.join(here, `../renderer/${MAIN_WINDOW_VITE_NAME}/index.html`)}`).toString();
}

function lockDownSessions(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy] } });
  });
}

function createWindow(): void {
  const appUrl = rendererUrl();
  const window = new BrowserWindow({ width: 1280, height: 820, title: 'aicr-studio', show: false, webPreferences: { ...secureWebPreferences } });
  window.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, appUrl)) event.preventDefault();
  });
  window.webContents.setWindowOpenHandler(({ url }) => {
    // Links to documentation open in the user's browser; the app never opens windows of its own.
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(appUrl);
}

app.enableSandbox();
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault());
});
app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
void app.whenReady().then(() => {
  lockDownSessions();
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});
