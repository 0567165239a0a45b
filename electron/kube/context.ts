import { KubeClient } from './client.ts';
import { loadKubeconfig, resolveContext, type KubeconfigSource } from './kubeconfig.ts';

export interface ContextSelection extends KubeconfigSource {
  /** A context name; the kubeconfig's current-context when omitted. */
  context?: string;
}

/** A client for one named context of the user's kubeconfig. */
export function clientForContext(selection: ContextSelection = {}): KubeClient {
  return new KubeClient(resolveContext(loadKubeconfig(selection), selection.context));
}
