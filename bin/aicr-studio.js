#!/usr/bin/env node
// Entry point of the `aicr-studio` command. The sources are TypeScript run by Node 24's type stripping;
// an older Node (a system Node 20) hands over to the Node 24 the project installs, or says what to do.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

const REQUIRED_MAJOR = 24;

if (Number(process.versions.node.split('.')[0]) < REQUIRED_MAJOR) {
  const projectNode = fileURLToPath(import.meta.resolve('../node_modules/node/bin/node'));
  if (!existsSync(projectNode)) {
    process.stderr.write(`aicr-studio needs Node ${REQUIRED_MAJOR} or newer (this is ${process.version}); run npm ci in the project, then npx aicr-studio\n`);
    process.exit(2);
  }
  const child = spawn(projectNode, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  // Signals sent to this process alone (timeout, kill) reach the run too.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? 128 + ({ SIGINT: 2, SIGHUP: 1, SIGTERM: 15 }[signal] ?? 1)));
} else {
  // V8's code cache for our modules (in the OS temp dir): later starts skip most compilation.
  module.enableCompileCache?.();
  const { main } = await import('../electron/cli/main.ts');
  const code = await main(process.argv.slice(2));
  // Exit now rather than when the event loop drains: a proxy or plugin that never answers must not keep
  // a finished command alive. Let stderr drain first (a slow reader must not lose the last lines).
  if (process.stderr.writableLength > 0) await new Promise((resolve) => process.stderr.once('drain', resolve));
  process.exit(code);
}
