#!/usr/bin/env node
// Entry point of the `aicr-studio` command. The sources are TypeScript run by Node 24's type stripping.
import { main } from '../electron/cli/main.ts';

const code = await main(process.argv.slice(2));
// Exit now rather than when the event loop drains: a proxy or plugin that never answers must not keep
// a finished command alive. Let stderr drain first (a slow reader must not lose the last lines).
if (process.stderr.writableLength > 0) await new Promise((resolve) => process.stderr.once('drain', resolve));
process.exit(code);
