/** The `face-mesh` command: `landmarks` and `evaluate` (see their usage texts), `--version`. */
import { readFileSync } from 'node:fs';
import { UsageError } from './cli_args.js';
import { describeError } from './errors.js';
import { EVALUATE_USAGE, evaluateCommand } from './evaluate_command.js';
import { LANDMARKS_USAGE, landmarksCommand } from './landmarks_command.js';

const USAGE = `usage: face-mesh <command> [options]

commands:
  landmarks   the landmarks of image and video files, folders and globs (JSON per image, JSONL per video)
  evaluate    IOD MAE per group against an annotated dataset, tracking and reacquisition

face-mesh <command> --help for its options; face-mesh --version (-v) prints the version.`;

/** The package's version: its package.json is one level above dist/cli.js, in the repository and in the tarball. */
function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

const COMMANDS: Record<string, { run: (argv: string[]) => Promise<number>; usage: string }> = {
  landmarks: { run: landmarksCommand, usage: LANDMARKS_USAGE },
  evaluate: { run: evaluateCommand, usage: EVALUATE_USAGE },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help') {
    console.log(USAGE);
    return name ? 0 : 2;
  }
  if (name === '-v' || name === '--version') {
    console.log(packageVersion());
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`face-mesh: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    // node:util parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for unknown or malformed options.
    const parseError = typeof (e as { code?: unknown }).code === 'string' && (e as { code: string }).code.startsWith('ERR_PARSE_ARGS');
    if (e instanceof UsageError || parseError) {
      console.error(`face-mesh ${name}: ${(e as Error).message}\n\n${command.usage}`);
      return 2;
    }
    const { code, message } = describeError(e);
    console.error(`face-mesh ${name}: ${message}${code === 'internal' || message.includes(`[${code}]`) ? '' : ` [${code}]`}`);
    if (code === 'internal' && e instanceof Error && e.stack) console.error(e.stack);
    return 1;
  }
}

// `npm run landmarks` / `npm run evaluate` run in the repository's root: take relative paths from
// where npm was invoked, as the command itself would.
if ((process.env.npm_lifecycle_event === 'landmarks' || process.env.npm_lifecycle_event === 'evaluate') && process.env.INIT_CWD) {
  process.chdir(process.env.INIT_CWD);
}
process.exitCode = await main(process.argv.slice(2));
