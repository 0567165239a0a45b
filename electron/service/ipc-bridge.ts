/**
 * The contract over Electron IPC, written against a small port instead of `ipcMain` so it runs (and
 * is tested) without Electron: one handler per call channel, each refusing senders that are not the
 * app's own window before the call's schema check and handler run. Outcomes travel as plain data
 * ({ ok, result } or { ok, error }), so errors keep their code and guidance across the process boundary.
 */
import { CALL_NAMES, callChannel } from '../../shared/call-names.ts';
import { ErrorCode, newError, toPlainError } from '../../shared/errors.ts';
import { dispatch, type CallOutcome, type createHandlers } from './handlers.ts';

/** Who sent an IPC message: the web contents and the URL of the frame it came from. */
export interface IpcSender {
  contentsId: number;
  frameUrl: string;
}

export interface IpcMainPort {
  handle(channel: string, listener: (sender: IpcSender, params: unknown) => Promise<CallOutcome>): void;
  removeHandler(channel: string): void;
}

/** Registers every call; returns the removal. Calls in flight when a window goes are not cancelled here (runs outlive windows). */
export function bindIpc(port: IpcMainPort, handlers: ReturnType<typeof createHandlers>, isTrusted: (sender: IpcSender) => boolean): () => void {
  for (const name of CALL_NAMES) {
    port.handle(callChannel(name), async (sender, params) => {
      if (!isTrusted(sender)) return { ok: false, error: toPlainError(newError(ErrorCode.Unauthorized, 'IPC from an untrusted frame was refused')) };
      return dispatch(handlers, name, params, AbortSignal.timeout(10 * 60_000));
    });
  }
  return () => {
    for (const name of CALL_NAMES) port.removeHandler(callChannel(name));
  };
}
