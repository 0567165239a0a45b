/**
 * Connection pools for clusters behind a proxy (`proxy-url` in the kubeconfig): HTTP CONNECT or SOCKS.
 * Loaded only for such a cluster: the two libraries took 60-90 ms to load, most of the start-up of
 * every command that talks to a cluster (measured with `node --input-type=module -e`).
 */
import type * as Http from 'node:http';
import { HttpProxyAgent, HttpsProxyAgent } from 'hpagent';
import { SocksProxyAgent } from 'socks-proxy-agent';
import type { TlsSettings } from './auth.ts';

export function proxyAgent(proxyUrl: string, https: boolean, tls: TlsSettings, options: { keepAlive: boolean; connectTimeoutMs: number }): Http.Agent {
  const { keepAlive, connectTimeoutMs } = options;
  if (proxyUrl.startsWith('socks')) return new SocksProxyAgent(proxyUrl, { ...tls, keepAlive, timeout: connectTimeoutMs });
  return https ? new HttpsProxyAgent({ ...tls, keepAlive, proxy: proxyUrl }) : new HttpProxyAgent({ keepAlive, proxy: proxyUrl });
}
