export { AppConfig, ConfigError, DEVELOPMENT_JWT_SECRET, loadConfig, type NodeEnv } from './config/app-config';
export { AppConfigModule } from './config/config.module';
export { HttpPlatformModule, PlatformModule, type PlatformOptions } from './platform.module';

export { type DatabaseSettings, type MigrationList, dataSourceOptions, MIGRATIONS_TABLE, openDatabase, runMigrations } from './database/data-source';
export { assertTraversableByPostgres, type EmbeddedPostgres, startEmbeddedPostgres } from './database/embedded-postgres';
export { PLATFORM_SCHEMAS, platformMigrations } from './database/migrations';

export { CurrentPrincipal, Public, Roles } from './auth/auth.decorators';
export { assertControllerScope, assertPathInScope } from './auth/controller-scope';
export { assertWritesAsSeller } from './auth/seller-binding';
export { InvalidTokenError, JwtVerifier } from './auth/jwt-verifier';
export { ALL_CONTROLLERS, coversController, hasAnyRole, isRole, type Principal, type Role, ROLES } from './auth/principal';
export { issueToken, type TokenRequest } from './auth/token-issuer';

export {
  type FieldError,
  ForbiddenProblem,
  PROBLEM_CONTENT_TYPE,
  type ProblemDetails,
  ProblemException,
  UnauthorizedProblem,
  ValidationProblem,
} from './http/problem';
export {
  isProblemSlug,
  PROBLEM_SLUGS,
  PROBLEM_TYPE_BASE,
  PROBLEM_TYPES,
  type ProblemSlug,
  type ProblemSlugOfStatus,
  type ProblemTypeCatalogue,
  type ProblemTypeSpec,
  problemType,
} from './http/problem-types';
export { BodyTypeInterceptor, DEFAULT_BODY_TYPES, unsupportedBodyDetail } from './http/body-type.interceptor';
export { FRAMEWORK_PROBLEMS, ProblemDetailsFilter } from './http/problem-details.filter';
export { createValidationPipe, flattenValidationErrors } from './http/validation';

export { loggerOptions } from './logging/logging.module';
export { PERSONAL_KEYS, REDACTED, redactPersonal } from './logging/redaction';
export { serializeError, serializeRequest, urlWithoutQueryValues } from './logging/log-serializers';
export { MetricsRegistry } from './metrics/http-metrics';

export { BODY_LIMIT, configureHttpApp } from './bootstrap/configure-http-app';
export { ApiProblems, ApiRequestContent, type ProblemEntry, type ProblemExample } from './openapi/api-problems';
export { createOpenApiDocument, finishOpenApiDocument, HTTP_METHODS, operationsOf } from './openapi/openapi-document';
export { type ApiReference, EXAMPLES_DIR, renderApiReference, replaceGeneratedSections } from './openapi/api-reference';
export { EMBEDDED_DATABASE, type HostContext, type HostOptions, type RunningHost, runHost, serveOrClose, type ToolDatabase, toolDatabase } from './bootstrap/host';
