import { parsePosition } from '@app/event-store';
import { Matches, registerDecorator, ValidateIf, type ValidationOptions } from 'class-validator';

export const ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
/** Times are ISO 8601 UTC strings: a date, a time and `Z` (a local time or an offset is refused). */
export const UTC_TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?Z$/;

/**
 * Optional, but not nullable: absent skips validation, `null` is validated (and refused) like any
 * other value. For fields whose null would otherwise reach code that needs a string (e-mail and
 * phone are normalized for the blind index).
 */
export const PresentOrAbsent = (options?: ValidationOptions) => ValidateIf((_object, value) => value !== undefined, options);

/** With IsISO8601 (which checks the calendar): the string is a UTC time ending in `Z`. */
export const IsUtcTime = (options?: ValidationOptions) =>
  (target: object, propertyName: string) =>
    Matches(UTC_TIME_PATTERN, { message: `${propertyName} must be an ISO 8601 UTC time such as 2026-12-02T09:30:00Z`, ...options })(target, propertyName);

/** A flat object of string, number or boolean values (`fields`, `extraFields`). */
export function IsFlatRecord(options?: ValidationOptions & { maxKeys?: number }) {
  const maxKeys = options?.maxKeys ?? 100;
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isFlatRecord',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must be a flat object of at most ${maxKeys} string, number or boolean values`, ...options },
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
          const entries = Object.entries(value);
          return (
            entries.length <= maxKeys &&
            entries.every(
              ([key, v]) =>
                key.length >= 1 && key.length <= 64 && ((typeof v === 'string' && v.length <= 1000) || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean'),
            )
          );
        },
      },
    });
}

/** A `position` string as this API returns it. */
export function IsPosition(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isPosition',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must be a position returned by a command`, ...options },
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string') return false;
          try {
            parsePosition(value);
            return true;
          } catch {
            return false;
          }
        },
      },
    });
}
