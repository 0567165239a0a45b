/**
 * The names of the contract's calls, apart from their schemas: what the Electron preload needs to
 * expose one function per call without bundling the validation library (validation happens in main).
 */
export const CALL_NAMES = [
  'listContexts',
  'probeContext',
  'clusterInventory',
  'checkPermissions',
  'startRun',
  'cancelRun',
  'listRuns',
  'ackLogs',
  'listLeftovers',
  'removeLeftovers',
  'listSnapshots',
  'readSnapshot',
] as const;

export type CallNameList = (typeof CALL_NAMES)[number];

/** IPC channel of a call; events from main come on EVENT_CHANNEL. */
export const callChannel = (name: CallNameList) => `aicr:call:${name}`;
export const EVENT_CHANNEL = 'aicr:event';
