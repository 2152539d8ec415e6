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
      customLogLevel: (_request: IncomingMessage, response: ServerResponse, error?: Error) =>
        error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info',
    };
    return {
      module: LoggingModule,
      imports: [LoggerModule.forRoot({ pinoHttp: destination ? [options, destination] : options })],
    };
  }
}
