/**
 * The preload: one function per contract call and one event subscription, exposed to the sandboxed
 * renderer as `window.aicrStudioPreload`. Never raw ipcRenderer; listeners get event data only.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CALL_NAMES, callChannel, EVENT_CHANNEL } from '../../shared/call-names.ts';
import type { AppEvent } from '../../shared/contract.ts';

const api: Record<string, unknown> = Object.fromEntries(CALL_NAMES.map((name) => [name, (params: unknown) => ipcRenderer.invoke(callChannel(name), params)]));
api.onEvent = (listener: (event: AppEvent) => void) => {
  const forward = (_event: IpcRendererEvent, payload: AppEvent) => listener(payload);
  ipcRenderer.on(EVENT_CHANNEL, forward);
  return () => ipcRenderer.removeListener(EVENT_CHANNEL, forward);
};
contextBridge.exposeInMainWorld('aicrStudioPreload', api);
