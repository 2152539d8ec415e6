import { describe, expect, it } from '@jest/globals';
import { urlWithoutQueryValues } from './log-serializers';
import { PERSONAL_KEYS, REDACTED, redactPersonal } from './redaction';

describe('redactPersonal', () => {
  it('replaces every personal key at any depth, in objects and arrays', () => {
    const input = { batch: { customers: [{ customerRef: 'r', email: 'e', fields: { a: 1 } }] }, count: 3, name: 'n' };
    expect(redactPersonal(input)).toEqual({
      batch: { customers: [{ customerRef: REDACTED, email: REDACTED, fields: REDACTED }] },
      count: 3,
      name: REDACTED,
    });
  });

  it('covers each personal field named in API.md', () => {
    for (const key of ['name', 'email', 'phone', 'body', 'subject', 'notes', 'comment', 'fields', 'extraFields', 'customerRef', 'address', 'personal']) {
      expect(PERSONAL_KEYS.has(key)).toBe(true);
      expect(redactPersonal({ deep: [{ [key]: 'value' }] })).toEqual({ deep: [{ [key]: REDACTED }] });
    }
  });

  it('walks class instances (DTOs) and survives cycles', () => {
    class Dto {
      phone = '+47';
      self?: unknown;
    }
    const dto = new Dto();
    dto.self = dto;
    expect(redactPersonal({ dto })).toEqual({ dto: { phone: REDACTED, self: '[Circular]' } });
  });

  it('leaves the keys it is told to skip at the top level to their serializers', () => {
    const req = { method: 'GET' };
    expect(redactPersonal({ req, body: 'x' }, new Set(['req']))).toEqual({ req, body: REDACTED });
  });
});

describe('urlWithoutQueryValues', () => {
  it('keeps the path and the query keys, drops the values', () => {
    expect(urlWithoutQueryValues('/v1/x?email=a%40b.no&limit=5')).toBe('/v1/x?email=&limit=');
    expect(urlWithoutQueryValues('/v1/x')).toBe('/v1/x');
  });
});
