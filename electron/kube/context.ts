import { KubeClient } from './client.ts';
import { kubeConfigForContext, loadKubeconfig, type KubeconfigSource } from './kubeconfig.ts';

export interface ContextSelection extends KubeconfigSource {
  /** A context name; the kubeconfig's current-context when omitted. */
  context?: string;
}

/** A client for one named context of the user's kubeconfig. */
export function clientForContext(selection: ContextSelection = {}): KubeClient {
  const loaded = loadKubeconfig(selection);
  const kc = kubeConfigForContext(loaded, selection.context);
  return new KubeClient(kc, kc.getCurrentContext());
}
