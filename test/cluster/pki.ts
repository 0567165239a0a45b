/**
 * Certificates for the test control plane, made with the openssl command line: one CA signing the API
 * server's and the simulated kubelet's serving certificates and every client certificate.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CertSpec {
  name: string;
  commonName: string;
  organization?: string;
  usage: 'server' | 'client';
  /** Subject alternative names for serving certificates, e.g. IP:127.0.0.1, DNS:localhost. */
  altNames?: string[];
}

export interface Pki {
  dir: string;
  caCert: string;
  caKey: string;
  cert(name: string): { cert: string; key: string };
}

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd });
  } catch (err) {
    throw new Error(`openssl ${args.join(' ')} failed (is openssl installed?): ${(err as Error).message}`, { cause: err });
  }
}

async function issue(dir: string, spec: CertSpec): Promise<void> {
  const key = `${spec.name}.key`;
  const subject = `/CN=${spec.commonName}${spec.organization ? `/O=${spec.organization}` : ''}`;
  const ext = [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    `extendedKeyUsage=${spec.usage === 'server' ? 'serverAuth' : 'clientAuth'}`,
    ...(spec.altNames?.length ? [`subjectAltName=${spec.altNames.join(',')}`] : []),
  ].join('\n');
  await writeFile(path.join(dir, `${spec.name}.ext`), `${ext}\n`);
  await openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key], dir);
  await openssl(['req', '-new', '-key', key, '-subj', subject, '-out', `${spec.name}.csr`], dir);
  await openssl(
    ['x509', '-req', '-in', `${spec.name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', `0x${randomBytes(12).toString('hex')}`, '-days', '30', '-extfile', `${spec.name}.ext`, '-out', `${spec.name}.crt`],
    dir,
  );
}

export async function createPki(dir: string, specs: CertSpec[]): Promise<Pki> {
  await openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key'], dir);
  await openssl(['req', '-x509', '-new', '-key', 'ca.key', '-subj', '/CN=aicr-studio-test-ca', '-days', '30', '-out', 'ca.crt'], dir);
  // The service-account token signing key pair.
  await openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'sa.key'], dir);
  await openssl(['pkey', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], dir);
  await Promise.all(specs.map((spec) => issue(dir, spec)));
  return {
    dir,
    caCert: path.join(dir, 'ca.crt'),
    caKey: path.join(dir, 'ca.key'),
    cert: (name) => ({ cert: path.join(dir, `${name}.crt`), key: path.join(dir, `${name}.key`) }),
  };
}
