#!/usr/bin/env node
/**
 * `civicgrid <command>` — the command-line entry point. Exit codes: 0 ok, 1 the command failed, 2 usage or
 * configuration error; an error is one line on stderr. Commands other than `serve` are functions in
 * src/ops/commands.ts that run here or, when a running server holds the embedded database, inside that server
 * (see cli/dispatch.ts and ops/admin-channel.ts).
 */
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { ConfigError, DEFAULT_DEMO_PASSWORD, loadConfig, type Config } from '../config.js';
import { localeFromEnvironment, UsageError } from '../ops/command.js';
import { AppError } from '../shared/errors.js';
import { translate } from '../shared/i18n.js';
import { readPassword } from './password.js';

const locale = localeFromEnvironment();

function fail(line: string, code: 1 | 2): never {
  process.stderr.write(`civicgrid: ${line}\n`);
  process.exit(code);
}

function config(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message, 2);
    throw err;
  }
}

/** Runs a command from src/ops/commands.ts and exits with its code; `live` draws its progress line on a terminal. */
async function run(name: string, args: Record<string, unknown>, live = false): Promise<void> {
  let drawn = false;
  const progress = live && process.stderr.isTTY ? (text: string) => ((drawn = true), process.stderr.write(`\r${text}\x1b[K`)) : undefined;
  // The server and its modules load only for the commands that need them: `mcdm` and `--help` answer at once.
  const [{ dispatch }, { COMMANDS }] = await Promise.all([import('./dispatch.js'), import('../ops/commands.js')]);
  const result = await dispatch(config(), COMMANDS, name, args, locale, progress);
  if (drawn) process.stderr.write('\n');
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.exitCode;
}

const program = new Command()
  .name('civicgrid')
  .description(
    'CivicGrid — city digital-governance platform. Configuration comes from the environment (DATA_DIR, ' +
      'DATABASE_URL, …; see README.md). Commands work whether or not the server is running: with the embedded ' +
      'database they reach a running server through its admin channel (DATA_DIR/admin.sock). ' +
      'Exit codes: 0 ok, 1 failure, 2 usage or configuration error.',
  )
  .showHelpAfterError()
  .exitOverride();

program
  .command('serve')
  .description('Start the server (production: migrates, no demo data). --demo seeds the demo city when the database is empty.')
  .option('--demo', 'seed the demo jurisdiction chengdu.gov.cn on an empty database')
  .action(async (opts: { demo?: boolean }) => {
    const cfg = config();
    const [{ startServer }, { StorageBusyError }, { MigrationError }] = await Promise.all([import('../server.js'), import('../db/storage.js'), import('../db/migrate.js')]);
    let server;
    try {
      server = await startServer(cfg, { demo: opts.demo ?? false });
    } catch (err) {
      if (err instanceof StorageBusyError) fail(`${err.message}; stop it first or point DATA_DIR elsewhere`, 1);
      if (err instanceof MigrationError) fail(err.message, 1);
      throw err;
    }
    process.stderr.write(`CivicGrid listening on ${server.url} (storage: ${server.ctx.storage.kind})\n`);
    if (server.demo) {
      // People start the demo from a terminal: tell them, plainly, where to go and how to sign in.
      const width = Math.max(...server.demo.accounts.map((a) => a.username.length));
      process.stderr.write(
        [
          '',
          `  CivicGrid demo — ${server.demo.jurisdictionId}`,
          `  Resident portal:  ${server.url}/`,
          `  Staff console:    ${server.url}/console/`,
          `  API docs:         ${server.url}/api/docs`,
          // The documented default is printed; a configured DEMO_PASSWORD never is.
          `  Accounts (password: ${cfg.demoPassword === DEFAULT_DEMO_PASSWORD ? DEFAULT_DEMO_PASSWORD : 'as set in DEMO_PASSWORD'}):`,
          ...server.demo.accounts.map((a) => `    ${a.username.padEnd(width)}  ${a.scope}`),
          '',
        ].join('\n') + '\n',
      );
    }
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        void server.stop().then(() => process.exit(0));
      });
    }
  });

program
  .command('migrate')
  .description('Apply pending database migrations (all in one transaction; a failure changes nothing).')
  .action(() => run('migrate', {}));

program
  .command('seed-demo')
  .description('Seed the demo jurisdiction chengdu.gov.cn (成都市) with its departments and one account per role; passwords from DEMO_PASSWORD. Does nothing if it exists.')
  .action(() => run('seed-demo', {}));

program
  .command('backup')
  .description('Write a logical backup (gzip JSON lines) of every table to FILE. Works on PGlite and PostgreSQL.')
  .argument('<file>', 'where to write the backup (must not exist)')
  .action((file: string) => run('backup', { file: path.resolve(file) }));

program
  .command('restore')
  .description(
    'Restore a backup into an empty database (a brand-new one is migrated first). Refuses a database with ' +
      'any rows or a different migration set; runs in one transaction.',
  )
  .argument('<file>', 'a file written by `civicgrid backup`')
  .action((file: string) => run('restore', { file: path.resolve(file) }));

const PASSWORD_HELP =
  'Password: from --password-stdin (scripts: `printf %s "$PW" | civicgrid …`), or prompted without echo. ' +
  '--password puts it on the command line, where `ps` and shell history see it: demos only.';

const collect = (value: string, previous: string[]) => [...previous, value];

const user = program.command('user').description('Manage user accounts.');
user
  .command('create')
  .description(`Create a user with role grants; prints the new user id on stdout. ${PASSWORD_HELP}`)
  .requiredOption('--jurisdiction <id>', 'jurisdiction id, e.g. chengdu.gov.cn')
  .requiredOption('--username <name>', 'sign-in name (unique, case-insensitive)')
  .requiredOption('--display-name <name>', 'name shown in the interface')
  .option('--department <code>', 'department code the user belongs to')
  .option(
    '--role <role[@scope]>',
    'grant a role (repeatable): ROLE (whole jurisdiction), ROLE@dept:CODE, ROLE@grids:CODE,CODE, ROLE@self',
    collect,
    [],
  )
  .option('--must-change-password', 'require a new password at first sign-in')
  .option('--password-stdin', 'read the password from standard input')
  .option('--password <password>', 'UNSAFE: the password on the command line (visible in ps)')
  .action(
    async (opts: {
      jurisdiction: string;
      username: string;
      displayName: string;
      department?: string;
      role: string[];
      mustChangePassword?: boolean;
      passwordStdin?: boolean;
      password?: string;
    }) => {
      const password = await readPassword(opts);
      await run('user create', {
        jurisdiction: opts.jurisdiction,
        username: opts.username,
        displayName: opts.displayName,
        ...(opts.department ? { department: opts.department } : {}),
        roles: opts.role,
        password,
        mustChangePassword: opts.mustChangePassword ?? false,
      });
    },
  );
user
  .command('reset-password')
  .description(`Set a new password and sign the user out everywhere. ${PASSWORD_HELP}`)
  .argument('<username>', 'the user to reset')
  .option('--no-must-change', 'do not require a new password at next sign-in')
  .option('--password-stdin', 'read the password from standard input')
  .option('--password <password>', 'UNSAFE: the password on the command line (visible in ps)')
  .action(async (username: string, opts: { mustChange: boolean; passwordStdin?: boolean; password?: string }) => {
    const password = await readPassword(opts);
    await run('user reset-password', { username, password, mustChange: opts.mustChange });
  });

const apikey = program.command('apikey').description('Manage API keys for external systems.');
apikey
  .command('create')
  .description('Create an API key; prints the key, alone, on stdout (shown once; details on stderr).')
  .requiredOption('--name <name>', 'what the key is for, e.g. "open311 gateway"')
  .requiredOption('--jurisdiction <id>', 'the jurisdiction the key acts in')
  .option('--scopes <list>', 'comma-separated permissions or areas, e.g. open311.write,sensors.*', '')
  .option('--expires <iso-datetime>', 'expiry, e.g. 2027-01-01T00:00:00+08:00')
  .action(async (opts: { name: string; jurisdiction: string; scopes: string; expires?: string }) => {
    await run('apikey create', {
      name: opts.name,
      jurisdiction: opts.jurisdiction,
      scopes: opts.scopes.split(',').map((s) => s.trim()).filter(Boolean),
      ...(opts.expires ? { expiresAt: opts.expires } : {}),
    });
  });
apikey
  .command('revoke')
  .description('Revoke an API key by id, prefix or the key itself.')
  .argument('<key>', 'id, prefix or key')
  .option('--jurisdiction <id>', 'only revoke if the key belongs to this jurisdiction')
  .action(async (key: string, opts: { jurisdiction?: string }) => {
    await run('apikey revoke', { key, ...(opts.jurisdiction ? { jurisdiction: opts.jurisdiction } : {}) });
  });

program
  .command('messages')
  .description('The outbound message record (SMS the recording notifier kept instead of sending).')
  .command('latest')
  .description('Print the latest message to a phone number (e.g. a sign-in code in the demo); the read is audited.')
  .requiredOption('--phone <number>', 'mainland mobile number')
  .option('--jurisdiction <id>', 'jurisdiction', 'chengdu.gov.cn')
  .action((opts: { phone: string; jurisdiction: string }) => run('messages latest', { phone: opts.phone, jurisdiction: opts.jurisdiction }));

program
  .command('audit')
  .description('Audit log tools.')
  .command('verify')
  .description('Verify the hash chain of the audit log: exit 0 when intact, 1 naming the first bad entry.')
  .action(() => run('audit verify', {}));

program
  .command('classifier')
  .description('The work-order category classifier.')
  .command('retrain')
  .description(
    "Train a new category model from the jurisdiction's closed orders (plus the shipped demo examples while it has fewer " +
      'than 200), evaluate it on a held-out 20 %, activate it unless it is worse than the active one; metrics JSON on stdout.',
  )
  .option('--jurisdiction <id>', 'only this jurisdiction (default: every jurisdiction)')
  .action((opts: { jurisdiction?: string }) => run('classifier retrain', opts.jurisdiction ? { jurisdiction: opts.jurisdiction } : {}));

const importCmd = program.command('import').description('Import data layers.');
importCmd
  .command('grids')
  .description(
    "Import a jurisdiction's unit grid layer from GeoJSON or a Shapefile (replaces the layer; unchanged grids keep their codes). " +
      'Progress and a summary on stderr, the full report as JSON on stdout. Any rejected feature changes nothing ' +
      'unless --skip-rejected.',
  )
  .argument('<file>', 'GeoJSON FeatureCollection of Polygon/MultiPolygon features, a .shp (with its .dbf/.prj/.cpg beside it) or a .zip of one shapefile')
  .requiredOption('--jurisdiction <id>', 'jurisdiction id, e.g. chengdu.gov.cn')
  .option('--code-field <name>', 'property holding the 14-digit grid code', 'code')
  .option('--community-field <name>', 'property holding the 12-digit community code (grids without a code are numbered)', 'community_code')
  .option('--dry-run', 'validate and report only')
  .option('--skip-rejected', 'import the good features even when some are rejected')
  .option('--checks <level>', 'full (validity, overlaps, gaps, outside the jurisdiction) or validity', 'full')
  .option('--tolerance <m2>', 'overlaps, gaps and outside parts smaller than this (m²) are ignored', '1')
  .action(
    (file: string, opts: { jurisdiction: string; codeField: string; communityField: string; dryRun?: boolean; skipRejected?: boolean; checks: string; tolerance: string }) =>
      run('import grids', {
        file: path.resolve(file),
        jurisdiction: opts.jurisdiction,
        codeField: opts.codeField,
        communityField: opts.communityField,
        dryRun: opts.dryRun ?? false,
        skipRejected: opts.skipRejected ?? false,
        checks: opts.checks,
        toleranceM2: Number(opts.tolerance),
      }),
  );

importCmd
  .command('components')
  .description(
    'Import city components (部件) from CSV (header: code, class_code, name, lng, lat, owner_department, status) or a GeoJSON ' +
      'FeatureCollection of points with those properties. Codes are read when valid or assigned from the grid at the point; rows ' +
      'already there (same code, or same subclass within 1 m) are not duplicated. Rejected rows on stderr, the report as JSON on ' +
      'stdout; any rejected row changes nothing unless --skip-rejected.',
  )
  .argument('<file>', 'CSV (UTF-8) or .geojson/.json file')
  .requiredOption('--jurisdiction <id>', 'jurisdiction id, e.g. chengdu.gov.cn')
  .option('--format <format>', 'csv or geojson (default: from the file name)')
  .option('--dry-run', 'validate and report only')
  .option('--skip-rejected', 'import the good rows even when some are rejected')
  .action((file: string, opts: { jurisdiction: string; format?: string; dryRun?: boolean; skipRejected?: boolean }) =>
    run('import components', {
      file: path.resolve(file),
      jurisdiction: opts.jurisdiction,
      ...(opts.format ? { format: opts.format } : {}),
      dryRun: opts.dryRun ?? false,
      skipRejected: opts.skipRejected ?? false,
    }),
  );

importCmd
  .command('knowledge')
  .description(
    "Import knowledge base articles (知识库) from CSV with the 12345 mailbox export's columns: mail_id,title,query,query_date," +
      'reply,reply_date,reply_agency,url (title, query = the question, reply = the answer are required; reply_agency is the ' +
      'responsible agency; optional extra columns category, tags, valid_from, valid_to). Personal data is removed from the ' +
      'letters; rows whose mail_id is already there are skipped. Rejected rows are listed on stderr, the report as JSON on ' +
      'stdout; any rejected row changes nothing unless --skip-rejected.',
  )
  .argument('<file>', 'CSV file (UTF-8, header row)')
  .requiredOption('--jurisdiction <id>', 'jurisdiction id, e.g. chengdu.gov.cn')
  .option('--publish', 'publish the articles at once (default: drafts for a steward to review)')
  .option('--dry-run', 'validate and report only')
  .option('--skip-rejected', 'import the good rows even when some are rejected')
  .action((file: string, opts: { jurisdiction: string; publish?: boolean; dryRun?: boolean; skipRejected?: boolean }) =>
    run('import knowledge', {
      file: path.resolve(file),
      jurisdiction: opts.jurisdiction,
      publish: opts.publish ?? false,
      dryRun: opts.dryRun ?? false,
      skipRejected: opts.skipRejected ?? false,
    }),
  );

importCmd
  .command('requests')
  .description(
    'Import historical service requests (311 exports, an old 12345 system, the Shangluo mailbox letters) as work orders. ' +
      'The CSV is streamed (any size) in batches, each committed with a checkpoint: an interrupted run of the same file ' +
      'resumes after its last batch. Orders keep their original id (a re-import or repeated rows add nothing), get channel ' +
      "'import', no deadlines and no notifications; categories, statuses and departments are mapped by the format's built-in " +
      'mapping laid under --mapping. Progress on a terminal, a summary on stderr, the report as JSON on stdout.',
  )
  .argument('<file>', 'CSV file (UTF-8, header row)')
  .requiredOption('--format <format>', 'boston | nyc | sf | shangluo | generic (generic needs --mapping)')
  .option('--mapping <file>', 'mapping file (JSON or YAML) laid over the built-in one; see src/modules/work-orders/import/mappings/')
  .option('--reject <file>', 'write rejected rows here as CSV: line, original id, code, reason')
  .option('--jurisdiction <id>', 'jurisdiction id (default: the only one)')
  .option('--batch <n>', 'rows per transaction (1–5000)', '500')
  .option('--limit <n>', 'stop after this many rows of the file (a trial; run again to continue)')
  .option('--no-resume', 'start from the top even if an earlier run of this file did not finish')
  .option('--to <target>', 'orders, or knowledge: the Shangluo letters as knowledge-base drafts (civicgrid import knowledge)', 'orders')
  .action(
    (file: string, opts: { format: string; mapping?: string; reject?: string; jurisdiction?: string; batch: string; limit?: string; resume: boolean; to: string }) =>
      run(
        'import requests',
        {
          file: path.resolve(file),
          format: opts.format,
          ...(opts.mapping ? { mapping: path.resolve(opts.mapping) } : {}),
          ...(opts.reject ? { reject: path.resolve(opts.reject) } : {}),
          ...(opts.jurisdiction ? { jurisdiction: opts.jurisdiction } : {}),
          batch: Number(opts.batch),
          ...(opts.limit !== undefined ? { limit: Number(opts.limit) } : {}),
          resume: opts.resume,
          to: opts.to,
        },
        true,
      ),
  );

/** Commands that compute on files only: no configuration, no database (they work anywhere, even offline). */
async function offline(compute: () => unknown): Promise<void> {
  try {
    process.stdout.write(`${JSON.stringify(await compute(), null, 2)}\n`);
  } catch (err) {
    if (err instanceof AppError) fail(translate(locale, err.code, err.params), err.kind === 'bad_request' ? 2 : 1);
    throw err;
  }
}

const mcdm = program
  .command('mcdm')
  .description('Multi-criteria decision methods on files, printing JSON (no database needed). Bad input exits 2.');
mcdm
  .command('ahp')
  .description('AHP weights of a pairwise-comparison matrix: prints {weights, lambdaMax, CI, CR, RI, consistent, mostInconsistent} (Saaty RI; CR ≥ 0.1 is inconsistent).')
  .requiredOption('--matrix <file.json>', 'JSON: a square reciprocal matrix [[1,3,…],…] or {"matrix": …}')
  .action((opts: { matrix: string }) => offline(async () => (await import('../modules/evaluation/mcdm-cli.js')).mcdmAhp(path.resolve(opts.matrix))));
mcdm
  .command('entropy')
  .description('Entropy weights: prints {weights, entropy, constantColumns, degenerate}.')
  .requiredOption('--matrix <file.csv>', 'CSV, one row per alternative, numbers only (≥ 0), no header')
  .action((opts: { matrix: string }) => offline(async () => (await import('../modules/evaluation/mcdm-cli.js')).mcdmEntropy(path.resolve(opts.matrix))));
mcdm
  .command('topsis')
  .description('TOPSIS closeness of each alternative: prints {closeness}.')
  .requiredOption('--matrix <file.csv>', 'CSV, one row per alternative, numbers only, no header')
  .requiredOption('--weights <w1,w2,…>', 'one weight per column (scaled to sum 1)')
  .requiredOption('--types <t1,t2,…>', 'one per column: 1 benefit, -1 cost')
  .option('--normalization <vector|minmax>', 'vector (Hwang & Yoon) or minmax', 'vector')
  .action((opts: { matrix: string; weights: string; types: string; normalization: string }) =>
    offline(async () => (await import('../modules/evaluation/mcdm-cli.js')).mcdmTopsis(path.resolve(opts.matrix), opts)),
  );

program
  .command('evaluate')
  .description(
    'Score entities with an indicator system, on files (no database): ranks, tiers, statistics by class and region, ' +
      'optional Monte-Carlo sensitivity. Writes the full result as JSON, or an XLSX workbook / PDF report; prints a summary.',
  )
  .requiredOption('--system <file.json|default>', 'a definition {nodes, settings} (as GET …/versions/N returns it) or "default" (the 4/11/27 template)')
  .requiredOption('--data <file.csv|file.xlsx|demo>', 'CSV (or XLSX, first sheet) with header code,name,class,province,region,<indicator codes…>, or "demo" (680 synthetic cities)')
  .requiredOption('--out <results.json|results.xlsx|results.pdf>', 'where to write the results: JSON, an XLSX workbook or a PDF report')
  .option('--draws <n>', 'sensitivity: number of Dirichlet weight draws (0 = none)', '0')
  .option('--seed <n>', 'sensitivity: random seed', '1')
  .option('--concentration <k>', 'sensitivity: Dirichlet concentration (larger = closer to the chosen weights)', '100')
  .action((opts: { system: string; data: string; out: string; draws: string; seed: string; concentration: string }) =>
    offline(async () =>
      (await import('../modules/evaluation/evaluate-cli.js')).evaluateFiles({
        system: opts.system === 'default' ? 'default' : path.resolve(opts.system),
        data: opts.data === 'demo' ? 'demo' : path.resolve(opts.data),
        out: path.resolve(opts.out),
        draws: Number(opts.draws),
        seed: Number(opts.seed),
        concentration: Number(opts.concentration),
        locale,
        progress: (line) => process.stderr.write(line),
      }),
    ),
  );

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // Commander has already printed help or the usage error.
    process.exit(err.exitCode === 0 ? 0 : 2);
  }
  if (err instanceof UsageError) fail(err.message, 2);
  if (err instanceof ConfigError) fail(err.message, 2);
  fail(err instanceof Error ? err.message : String(err), 1);
}
