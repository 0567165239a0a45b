/**
 * The Electron main process: one locked-down window, the app's services, and the contract over IPC.
 * Everything that does not need Electron lives in electron/service and is tested without it; this
 * file only wires it to Electron (windows, ipcMain, dialogs, app paths).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, session, shell } from 'electron';
import { EVENT_CHANNEL } from '../../shared/call-names.ts';
import { ContextRegistry } from '../service/contexts.ts';
import { createHandlers } from '../service/handlers.ts';
import { bindIpc, type IpcMainPort } from '../service/ipc-bridge.ts';
import { watchKubeconfig } from '../service/kubeconfig-watch.ts';
import { SnapshotLibrary } from '../service/library.ts';
import { loginShellPath, mergedPath } from '../service/login-path.ts';
import { RunManager } from '../service/runs.ts';
import { contentSecurityPolicy, isAppUrl, secureWebPreferences } from './security.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
let mainWindow: BrowserWindow | undefined;

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

function createWindow(appUrl: string): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    title: 'aicr-studio',
    show: false,
    webPreferences: { ...secureWebPreferences, preload: path.join(here, 'preload.cjs') },
  });
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
  return window;
}

async function start(): Promise<void> {
  lockDownSessions();
  // Started from a desktop launcher, the PATH is bare: exec credential plugins need the login shell's.
  process.env.PATH = mergedPath(await loginShellPath());
  const contexts = new ContextRegistry({});
  contexts.readAheadCurrentInventory();
  const library = new SnapshotLibrary(path.join(app.getPath('userData'), 'snapshots'));
  const runs = new RunManager(contexts, library);
  const appUrl = rendererUrl();
  const port: IpcMainPort = {
    handle: (channel, listener) => ipcMain.handle(channel, (event, params) => listener({ contentsId: event.sender.id, frameUrl: event.senderFrame?.url ?? '' }, params)),
    removeHandler: (channel) => ipcMain.removeHandler(channel),
  };
  bindIpc(port, createHandlers({ contexts, runs, library }), (sender) => sender.contentsId === mainWindow?.webContents.id && isAppUrl(sender.frameUrl, appUrl));
  runs.subscribe((event) => {
    if (!mainWindow || mainWindow.isDestroyed()) return false;
    mainWindow.webContents.send(EVENT_CHANNEL, event);
    return true;
  });
  watchKubeconfig({}, () => {
    contexts.reload();
    runs.broadcast({ type: 'contexts-changed' });
  });

  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting || runs.activeCount === 0) return;
    event.preventDefault();
    const choice = dialog.showMessageBoxSync({
      type: 'warning',
      buttons: ['Cancel runs, clean up and quit', 'Keep running'],
      defaultId: 1,
      cancelId: 1,
      message: `${runs.activeCount} run(s) in progress`,
      detail: 'Quitting cancels them and removes what they created in the cluster first.',
    });
    if (choice !== 0) return;
    quitting = true;
    void runs.cancelAll().finally(() => app.quit());
  });
  mainWindow = createWindow(appUrl);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow(appUrl);
  });
}

app.enableSandbox();
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault());
});
app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
void app.whenReady().then(start);
