/**
 * The one place CivicGrid reads its environment. Every setting is validated here, once, at start;
 * an invalid value stops the process with a message naming the variable. Nothing else reads process.env.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** The documented demo-only password used when DEMO_PASSWORD is unset. */
export const DEFAULT_DEMO_PASSWORD = 'CivicGrid@2026';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  SECRET_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  DEMO_PASSWORD: z.string().min(8, 'must be at least 8 characters').default(DEFAULT_DEMO_PASSWORD),
  SESSION_TTL_HOURS: z.coerce.number().positive().max(24 * 30).default(12),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(1024 * 1024),
  TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  WORKER: z.enum(['on', 'off']).default('on'),
  DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
  PUBLIC_BASE_URL: z
    .string()
    .regex(/^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/, 'must be an http:// or https:// URL without query')
    .optional(),
  ATTACHMENTS_STORE: z.enum(['file', 's3']).default('file'),
  ATTACHMENTS_MAX_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(10 * 1024 * 1024),
  ATTACHMENTS_PUBLIC_PER_HOUR: z.coerce.number().int().min(0).max(1_000_000).default(500),
  ATTACHMENTS_PUBLIC_PER_IP_HOUR: z.coerce.number().int().min(0).max(100_000).default(30),
  ATTACHMENTS_S3_ENDPOINT: z.string().url().optional(),
  ATTACHMENTS_S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name').optional(),
  ATTACHMENTS_S3_REGION: z.string().min(1).default('us-east-1'),
  ATTACHMENTS_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  ATTACHMENTS_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  ATTACHMENTS_S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).default('false'),
  ATTACHMENTS_S3_PREFIX: z.string().regex(/^([A-Za-z0-9._-]+\/)*$/, "must be empty or end with '/'").default(''),
  NOTIFY_WECHAT_APP_ID: z.string().min(1).optional(),
  NOTIFY_WECHAT_APP_SECRET: z.string().min(1).optional(),
  NOTIFY_WECHAT_TEMPLATE_ID: z.string().min(1).optional(),
  NOTIFY_WECHAT_API_BASE: z.string().url().default('https://api.weixin.qq.com/cgi-bin'),
  NOTIFY_WECHAT_TOKEN_URL: z.string().url().optional(),
  NOTIFY_SMTP_HOST: z.string().min(1).optional(),
  NOTIFY_SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
  NOTIFY_SMTP_SECURE: z.enum(['true', 'false']).default('false'),
  NOTIFY_SMTP_USER: z.string().min(1).optional(),
  NOTIFY_SMTP_PASSWORD: z.string().min(1).optional(),
  NOTIFY_EMAIL_FROM: z.string().email().optional(),
  NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  NOTIFY_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
});

/** Where work-order photos are kept and how much the public may upload (see modules/work-orders/attachment-store.ts). */
export interface AttachmentsConfig {
  store: 'file' | 's3';
  maxBytes: number;
  /** Anonymous (public portal) uploads per jurisdiction per hour; 0 = none allowed. */
  publicPerHour: number;
  /** Anonymous upload attempts per client address per hour (per process). */
  publicPerIpPerHour: number;
  s3: {
    endpoint: string | undefined;
    bucket: string;
    region: string;
    /** Unset: the AWS SDK's default credential chain (instance role, …). */
    credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
    forcePathStyle: boolean;
    prefix: string;
  } | null;
}

/**
 * Where residents' messages go besides the outbox (see modules/messages/). A channel left unset is recorded only:
 * the message lands in outbound_messages with status 'recorded' and nothing leaves the machine.
 */
export interface NotificationsConfig {
  /** WeChat official account (公众号) template messages. */
  wechat: { appId: string; appSecret: string; templateId: string; apiBase: string; tokenUrl: string } | null;
  /** E-mail over SMTP. */
  email: { host: string; port: number; secure: boolean; auth: { user: string; pass: string } | undefined; from: string } | null;
  /** Delivery attempts per message before it is marked failed (backoff in between). */
  maxAttempts: number;
  /** Time limit of one call to a gateway. */
  timeoutMs: number;
}

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /**
   * How long opening a PostgreSQL connection, or waiting for a free one of the pool, may take before the request that
   * needed it is answered 503 (db.unavailable): an unreachable server that drops packets would otherwise hold requests
   * for TCP's minutes, and an overloaded one queue them without end.
   */
  dbConnectTimeoutMs: number;
  /** How other servers reach this one (e.g. https://12345.example.gov): federation's transfers send photo links under it. */
  publicBaseUrl: string | undefined;
  storageKind: 'pglite' | 'postgres';
  secretKey: string;
  logLevel: (typeof LOG_LEVELS)[number];
  demoPassword: string;
  sessionTtlMs: number;
  bodyLimitBytes: number;
  trustProxy: boolean;
  workerEnabled: boolean;
  attachments: AttachmentsConfig;
  notifications: NotificationsConfig;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads and validates the environment. Empty strings count as unset (a common shell accident). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(
    Object.keys(envSchema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]),
  );
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`),
    );
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  const problems: string[] = [];
  if (e.ATTACHMENTS_STORE === 's3' && !e.ATTACHMENTS_S3_BUCKET) problems.push('ATTACHMENTS_S3_BUCKET: required when ATTACHMENTS_STORE=s3');
  if (!e.ATTACHMENTS_S3_ACCESS_KEY_ID !== !e.ATTACHMENTS_S3_SECRET_ACCESS_KEY) {
    problems.push('ATTACHMENTS_S3_ACCESS_KEY_ID: set both it and ATTACHMENTS_S3_SECRET_ACCESS_KEY, or neither');
  }
  const wechatSet = [e.NOTIFY_WECHAT_APP_ID, e.NOTIFY_WECHAT_APP_SECRET, e.NOTIFY_WECHAT_TEMPLATE_ID].filter((v) => v !== undefined).length;
  if (wechatSet !== 0 && wechatSet !== 3) problems.push('NOTIFY_WECHAT_APP_ID: set it, NOTIFY_WECHAT_APP_SECRET and NOTIFY_WECHAT_TEMPLATE_ID together, or none');
  if (e.NOTIFY_SMTP_HOST && !e.NOTIFY_EMAIL_FROM) problems.push('NOTIFY_EMAIL_FROM: required with NOTIFY_SMTP_HOST');
  if (!e.NOTIFY_SMTP_USER !== !e.NOTIFY_SMTP_PASSWORD) problems.push('NOTIFY_SMTP_USER: set both it and NOTIFY_SMTP_PASSWORD, or neither');
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl: e.DATABASE_URL,
    dbConnectTimeoutMs: e.DB_CONNECT_TIMEOUT_MS,
    publicBaseUrl: e.PUBLIC_BASE_URL?.replace(/\/+$/, ''),
    storageKind: e.DATABASE_URL ? 'postgres' : 'pglite',
    secretKey: e.SECRET_KEY ?? readOrCreateSecret(dataDir),
    logLevel: e.LOG_LEVEL,
    demoPassword: e.DEMO_PASSWORD,
    sessionTtlMs: e.SESSION_TTL_HOURS * 3600_000,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    trustProxy: e.TRUST_PROXY === 'true',
    workerEnabled: e.WORKER === 'on',
    attachments: {
      store: e.ATTACHMENTS_STORE,
      maxBytes: e.ATTACHMENTS_MAX_BYTES,
      publicPerHour: e.ATTACHMENTS_PUBLIC_PER_HOUR,
      publicPerIpPerHour: e.ATTACHMENTS_PUBLIC_PER_IP_HOUR,
      s3:
        e.ATTACHMENTS_STORE === 's3'
          ? {
              endpoint: e.ATTACHMENTS_S3_ENDPOINT,
              bucket: e.ATTACHMENTS_S3_BUCKET!,
              region: e.ATTACHMENTS_S3_REGION,
              credentials: e.ATTACHMENTS_S3_ACCESS_KEY_ID
                ? { accessKeyId: e.ATTACHMENTS_S3_ACCESS_KEY_ID, secretAccessKey: e.ATTACHMENTS_S3_SECRET_ACCESS_KEY! }
                : undefined,
              forcePathStyle: e.ATTACHMENTS_S3_FORCE_PATH_STYLE === 'true',
              prefix: e.ATTACHMENTS_S3_PREFIX,
            }
          : null,
    },
    notifications: {
      wechat:
        wechatSet === 3
          ? {
              appId: e.NOTIFY_WECHAT_APP_ID!,
              appSecret: e.NOTIFY_WECHAT_APP_SECRET!,
              templateId: e.NOTIFY_WECHAT_TEMPLATE_ID!,
              apiBase: e.NOTIFY_WECHAT_API_BASE.replace(/\/+$/, ''),
              tokenUrl: e.NOTIFY_WECHAT_TOKEN_URL ?? `${e.NOTIFY_WECHAT_API_BASE.replace(/\/+$/, '')}/token`,
            }
          : null,
      email: e.NOTIFY_SMTP_HOST
        ? {
            host: e.NOTIFY_SMTP_HOST,
            port: e.NOTIFY_SMTP_PORT,
            secure: e.NOTIFY_SMTP_SECURE === 'true',
            auth: e.NOTIFY_SMTP_USER ? { user: e.NOTIFY_SMTP_USER, pass: e.NOTIFY_SMTP_PASSWORD! } : undefined,
            from: e.NOTIFY_EMAIL_FROM!,
          }
        : null,
      maxAttempts: e.NOTIFY_MAX_ATTEMPTS,
      timeoutMs: e.NOTIFY_TIMEOUT_MS,
    },
  };
}

/**
 * Without SECRET_KEY we generate one on first start and keep it in DATA_DIR (mode 0600), so sessions and
 * encrypted fields survive restarts. There is deliberately no hard-coded fallback.
 */
function readOrCreateSecret(dataDir: string): string {
  const file = path.join(dataDir, 'secret.key');
  if (existsSync(file)) {
    const value = readFileSync(file, 'utf8').trim();
    if (value.length < 32) throw new ConfigError([`SECRET_KEY: ${file} is shorter than 32 characters`]);
    return value;
  }
  mkdirSync(dataDir, { recursive: true });
  const value = randomBytes(32).toString('base64url');
  try {
    writeFileSync(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another process (a CLI command next to the server) created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readOrCreateSecret(dataDir);
    throw err;
  }
  return value;
}
