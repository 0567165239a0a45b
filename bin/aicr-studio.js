#!/usr/bin/env node
// Entry point of the `aicr-studio` command. The sources are TypeScript run by Node 24's type stripping.
import { main } from '../electron/cli/main.ts';

process.exitCode = await main(process.argv.slice(2));
