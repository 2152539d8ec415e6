import { parsePosition } from '@app/event-store';
import { ApiProperty } from '@nestjs/swagger';
import { registerDecorator, ValidateIf, type ValidationOptions } from 'class-validator';
import { utcTime } from '../../domain/time';

export const ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Optional, but not nullable: absent skips validation, `null` is validated (and refused) like any
 * other value. For fields whose null would otherwise reach code that needs a string (e-mail and
 * phone are normalized for the blind index).
 */
export const PresentOrAbsent = (options?: ValidationOptions) => ValidateIf((_object, value) => value !== undefined, options);

/**
 * An RFC 3339 time with `Z` or an offset (a local time without one is refused); the domain stores
 * it as UTC. Documented as `format: date-time` (put it below the property's @ApiProperty, which
 * adds to it).
 */
export function IsRfc3339Time(options?: ValidationOptions) {
  return (target: object, propertyName: string) => {
    registerDecorator({
      name: 'isRfc3339Time',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must be an RFC 3339 time with Z or an offset, such as 2026-12-02T09:30:00Z or 2026-12-02T10:30:00+01:00`, ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && utcTime(value) !== null },
    });
    ApiProperty({ format: 'date-time' })(target, propertyName);
  };
}

/**
 * A flat object of string, number or boolean values (`fields`, `extraFields`); with `nullRemoves`,
 * a value may also be null: the removal marker of a merge patch, never a stored value.
 */
export function IsFlatRecord(options?: ValidationOptions & { maxKeys?: number; nullRemoves?: boolean }) {
  const maxKeys = options?.maxKeys ?? 100;
  const nullRemoves = options?.nullRemoves ?? false;
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isFlatRecord',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must be a flat object of at most ${maxKeys} string, number or boolean values${nullRemoves ? ' (or null to remove a key)' : ''}`, ...options },
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
          const entries = Object.entries(value);
          return (
            entries.length <= maxKeys &&
            entries.every(
              ([key, v]) =>
                key.length >= 1 &&
                key.length <= 64 &&
                ((typeof v === 'string' && v.length <= 1000) || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean' || (nullRemoves && v === null)),
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
