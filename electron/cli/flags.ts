/**
 * A small command-line flag parser with the semantics the reference CLI (urfave/cli) gives its users:
 * `--flag value`, `--flag=value`, short aliases, `--bool=false`, repeatable list flags that also split
 * on commas, environment-variable fallbacks, and an error when a single-value flag is given twice.
 */
import { ErrorCode, newError } from '../../shared/errors.ts';

export type FlagKind = 'string' | 'bool' | 'list';

export interface FlagSpec {
  name: string;
  alias?: string;
  kind: FlagKind;
  env?: string;
  usage: string;
  /** Shown in help; the parser itself leaves absent flags undefined. */
  defaultText?: string;
}

export interface ParsedFlags {
  strings: Map<string, string>;
  bools: Map<string, boolean>;
  lists: Map<string, string[]>;
  /** Flags given on the command line (not from the environment). */
  explicit: Set<string>;
  help: boolean;
}

const invalid = (message: string) => newError(ErrorCode.InvalidRequest, message);

function parseBool(flag: string, value: string): boolean {
  if (['true', '1', 't', 'T', 'TRUE', 'True'].includes(value)) return true;
  if (['false', '0', 'f', 'F', 'FALSE', 'False'].includes(value)) return false;
  throw invalid(`invalid value "${value}" for flag --${flag}: expected true or false`);
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[], env: NodeJS.ProcessEnv = process.env): ParsedFlags {
  const byName = new Map<string, FlagSpec>();
  for (const spec of specs) {
    byName.set(spec.name, spec);
    if (spec.alias) byName.set(spec.alias, spec);
  }
  const parsed: ParsedFlags = { strings: new Map(), bools: new Map(), lists: new Map(), explicit: new Set(), help: false };

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') {
      parsed.help = true;
      continue;
    }
    const match = /^--?([^=]+)(?:=(.*))?$/s.exec(arg);
    if (!match || arg === '-' || arg === '--') {
      throw invalid(`unexpected argument "${arg}"; flags start with --, see --help`);
    }
    const [, name, inlineValue] = match as unknown as [string, string, string | undefined];
    const spec = byName.get(name);
    if (!spec) throw invalid(`unknown flag ${arg.split('=')[0]}; see --help for the supported flags`);
    if (spec.kind !== 'list' && parsed.explicit.has(spec.name)) throw invalid(`flag --${spec.name} can only be specified once`);
    parsed.explicit.add(spec.name);

    if (spec.kind === 'bool') {
      parsed.bools.set(spec.name, inlineValue === undefined ? true : parseBool(spec.name, inlineValue));
      continue;
    }
    let value = inlineValue;
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined) throw invalid(`flag --${spec.name} needs a value: ${spec.usage}`);
      value = next;
      i++;
    }
    if (spec.kind === 'string') parsed.strings.set(spec.name, value);
    else parsed.lists.set(spec.name, [...(parsed.lists.get(spec.name) ?? []), ...splitList(value)]);
  }

  for (const spec of specs) {
    const fromEnv = spec.env ? env[spec.env] : undefined;
    if (fromEnv === undefined || fromEnv === '' || parsed.explicit.has(spec.name)) continue;
    if (spec.kind === 'string') parsed.strings.set(spec.name, fromEnv);
    else if (spec.kind === 'bool') parsed.bools.set(spec.name, parseBool(`${spec.name} (from ${spec.env})`, fromEnv));
    else parsed.lists.set(spec.name, splitList(fromEnv));
  }
  return parsed;
}

export function formatHelp(usageLine: string, description: string, specs: readonly FlagSpec[]): string {
  const rows = specs.map((s) => {
    const names = `${s.alias ? `-${s.alias}, ` : '    '}--${s.name}${s.kind === 'bool' ? '' : ' value'}`;
    const extras = [s.defaultText ? `default: ${s.defaultText}` : '', s.env ? `$${s.env}` : ''].filter(Boolean).join(', ');
    return `  ${names.padEnd(34)} ${s.usage}${extras ? ` (${extras})` : ''}`;
  });
  return `${usageLine}\n\n${description}\n\nFlags:\n${rows.join('\n')}\n  -h, --help                         show this help\n`;
}
