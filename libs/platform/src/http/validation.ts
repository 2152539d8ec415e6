import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { type FieldError, ValidationProblem } from './problem';

/** Flattens class-validator's tree into `customers[3].email`-style field paths. */
export function flattenValidationErrors(errors: ValidationError[], parentPath = '', parentIsArray = false): FieldError[] {
  return errors.flatMap((error) => {
    const path = !parentPath
      ? error.property
      : parentIsArray && /^\d+$/.test(error.property)
        ? `${parentPath}[${error.property}]`
        : `${parentPath}.${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field: path, message: describe(path, error.property, message) }));
    const nested = flattenValidationErrors(error.children ?? [], path, Array.isArray(error.value));
    return [...own, ...nested];
  });
}

// class-validator words messages as "<property> must ..."; name the full path instead.
function describe(path: string, property: string, message: string): string {
  return message.startsWith(`${property} `) ? `${path} ${message.slice(property.length + 1)}` : message;
}

/** Unknown properties are refused, types are converted, and nothing of the value reaches the message. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationProblem(flattenValidationErrors(errors)),
  });
}
