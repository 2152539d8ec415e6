import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream, LoggerOptions } from 'pino';
import type { AppConfig } from '../config/app-config';
import { serializeError, serializeRequest, serializeResponse } from './log-serializers';
import { redactPersonal } from './redaction';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const SERIALIZED_KEYS = new Set(['req', 'res', 'err']);

/** Options shared by the HTTP logger and the standalone logger of worker and CLI. */
export function loggerOptions(config: AppConfig): LoggerOptions {
  return {
    level: config.LOG_LEVEL,
    base: { service: 'campaign-ledger' },
    serializers: { req: serializeRequest, res: serializeResponse, err: serializeError },
    formatters: {
      log: (object) => redactPersonal(object, SERIALIZED_KEYS) as Record<string, unknown>,
    },
    ...(config.logFormat === 'pretty'
      ? { transport: { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } } }
      : {}),
  };
}

const UNAVAILABLE = 503;

/**
 * A 503 (waitFor gave up, a dependency is down) is a deliberate "retry later": a warning. Other
 * 5xx are errors. Successful health polls (load balancers, orchestrators) are debug noise.
 */
function requestLogLevel(request: IncomingMessage, response: ServerResponse, error?: Error): 'error' | 'warn' | 'info' | 'debug' {
  const status = response.statusCode;
  if (error || (status >= 500 && status !== UNAVAILABLE)) return 'error';
  if (status >= 400) return 'warn';
  const path = ((request as IncomingMessage & { originalUrl?: string }).originalUrl ?? request.url ?? '').split('?')[0];
  return path === '/health' ? 'debug' : 'info';
}

@Module({})
export class LoggingModule {
  /** `destination` replaces stdout (tests capture the log through it). */
  static forRoot(config: AppConfig, destination?: DestinationStream): DynamicModule {
    const options = {
      ...loggerOptions(config),
      ...(destination ? { transport: undefined } : {}),
      genReqId: (request: IncomingMessage, response: ServerResponse) => {
        const incoming = request.headers['x-request-id'];
        const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
        response.setHeader('x-request-id', id);
        return id;
      },
      customLogLevel: requestLogLevel,
      // pino-http attaches an Error with a stack to every 5xx line; a 503 is an answer we chose.
      customErrorObject: (_request: IncomingMessage, response: ServerResponse, _error: Error, value: Record<string, unknown>) => {
        if (response.statusCode !== UNAVAILABLE) return value;
        const { err: _synthetic, ...rest } = value;
        return rest;
      },
      customErrorMessage: (_request: IncomingMessage, response: ServerResponse) =>
        response.statusCode === UNAVAILABLE ? 'request completed' : 'request errored',
    };
    return {
      module: LoggingModule,
      imports: [LoggerModule.forRoot({ pinoHttp: destination ? [options, destination] : options })],
    };
  }
}
