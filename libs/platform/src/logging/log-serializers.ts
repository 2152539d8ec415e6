import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Allow-listed serializers: a request, response or error is logged only through these fields,
 * so a body, a CSV record or a DTO never reaches the log by accident.
 */
export function serializeRequest(request: IncomingMessage & { id?: unknown; originalUrl?: string }) {
  return {
    id: request.id,
    method: request.method,
    url: urlWithoutQueryValues(request.originalUrl ?? request.url ?? ''),
  };
}

export function serializeResponse(response: ServerResponse) {
  return { statusCode: response.statusCode };
}

/** Type, code and stack frames only: messages can quote request data (JSON parse errors quote the body). */
export function serializeError(error: unknown) {
  // Duck-typed: errors from another realm (a test VM, a worker) fail `instanceof Error`.
  if (typeof error !== 'object' || error === null || typeof (error as Error).stack !== 'string') return { type: typeof error };
  const { code, status, name, stack } = error as Error & { code?: unknown; status?: unknown };
  return {
    type: error.constructor?.name ?? name,
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...(typeof status === 'number' ? { status } : {}),
    stack: stack!
      .split('\n')
      .filter((line) => line.trimStart().startsWith('at '))
      .slice(0, 15)
      .map((line) => line.trim()),
  };
}

/** `/v1/x?email=a@b&limit=5` becomes `/v1/x?email=&limit=`: keys tell what was asked, values stay out. */
export function urlWithoutQueryValues(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const keys = url
    .slice(at + 1)
    .split('&')
    .filter(Boolean)
    .map((pair) => pair.split('=')[0]);
  return `${url.slice(0, at)}?${keys.map((key) => `${key}=`).join('&')}`;
}
