import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

/** Documented in the README; accepted only when NODE_ENV is development or test. */
export const DEVELOPMENT_JWT_SECRET = 'development-only-secret-change-me';

export const NODE_ENVS = ['development', 'test', 'production'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;
const emptyToUndefined = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/** Every setting the service reads, validated once at start. Property names are the variables. */
export class AppConfig {
  @IsIn(NODE_ENVS)
  NODE_ENV: NodeEnv = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// connection URL' })
  DATABASE_URL?: string;

  @IsString()
  @MinLength(1)
  DATA_DIR = './.data';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  EMBEDDED_PG_PORT = 54329;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  JWT_SECRET?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----/, { message: 'must be a PEM public key (SPKI)' })
  JWT_PUBLIC_KEY?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  JWT_ISSUER?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  JWT_AUDIENCE?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  KEYRING_FILE?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  ERASURE_LEDGER_FILE?: string;

  @Matches(/^[A-Z]{2}$/, { message: 'must be an ISO 3166-1 alpha-2 region such as NO' })
  PHONE_DEFAULT_REGION = 'NO';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  KEY_CACHE_TTL_MS = 60_000;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters' })
  METRICS_TOKEN?: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(['json', 'pretty'])
  LOG_FORMAT?: 'json' | 'pretty';

  get isProduction(): boolean {
    return this.NODE_ENV === 'production';
  }

  get logFormat(): 'json' | 'pretty' {
    return this.LOG_FORMAT ?? (this.NODE_ENV === 'development' ? 'pretty' : 'json');
  }

  /** The keyring file: KEYRING_FILE, or one generated under DATA_DIR outside production. */
  get keyringFile(): string {
    return this.KEYRING_FILE ?? `${this.DATA_DIR.replace(/\/+$/, '')}/keyring.json`;
  }

  /** The erasure ledger lives beside the keyring, apart from the database and its backups. */
  get erasureLedgerFile(): string {
    return this.ERASURE_LEDGER_FILE ?? this.keyringFile.replace(/[^/]*$/, 'erasure-ledger.jsonl');
  }

  /** The HS256 secret in force: the configured one, or the development default outside production. */
  get jwtSecret(): string | undefined {
    if (this.JWT_SECRET) return this.JWT_SECRET;
    return this.JWT_PUBLIC_KEY || this.isProduction ? undefined : DEVELOPMENT_JWT_SECRET;
  }
}

/** A configuration problem, worded as the one line an operator needs. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const KNOWN_KEYS = Object.keys(new AppConfig());
KNOWN_KEYS.push('DATABASE_URL', 'JWT_SECRET', 'JWT_PUBLIC_KEY', 'JWT_ISSUER', 'JWT_AUDIENCE', 'LOG_FORMAT', 'KEYRING_FILE', 'ERASURE_LEDGER_FILE', 'METRICS_TOKEN');

/** Reads and validates the environment; throws ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv | Record<string, string | undefined>): AppConfig {
  const raw: Record<string, string> = {};
  for (const key of KNOWN_KEYS) {
    const value = env[key];
    if (value !== undefined) raw[key] = value;
  }
  const config = plainToInstance(AppConfig, raw);
  const [first] = validateSync(config, { skipMissingProperties: false });
  if (first) {
    const constraints = first.constraints ?? {};
    // Say what kind of value is wanted before any range it breaks.
    const kind = ['isInt', 'isIn', 'matches', 'isString'].find((name) => name in constraints);
    const reason = (kind ? constraints[kind] : Object.values(constraints)[0]) ?? 'is invalid';
    const shown = /SECRET|KEY|TOKEN/.test(first.property) ? '' : ` (got "${String(first.value)}")`;
    throw new ConfigError(`${first.property} ${reason.replace(new RegExp(`^${first.property}\\s*`), '')}${shown}`);
  }
  if (config.isProduction) {
    if (config.JWT_SECRET === DEVELOPMENT_JWT_SECRET) {
      throw new ConfigError('JWT_SECRET is the documented development secret, which is refused when NODE_ENV=production');
    }
    if (!config.JWT_SECRET && !config.JWT_PUBLIC_KEY) {
      throw new ConfigError('JWT_SECRET or JWT_PUBLIC_KEY must be set when NODE_ENV=production');
    }
    if (!config.KEYRING_FILE) {
      throw new ConfigError('KEYRING_FILE must be set when NODE_ENV=production (a keyring kept apart from the database and its backups)');
    }
  }
  if (config.JWT_SECRET && config.JWT_PUBLIC_KEY) {
    throw new ConfigError('JWT_SECRET and JWT_PUBLIC_KEY are both set; set exactly one');
  }
  return config;
}
