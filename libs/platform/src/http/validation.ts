import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { type FieldError, ValidationProblem } from './problem';

/** Flattens class-validator's tree into `customers[3].email`-style field paths. */
export function flattenValidationErrors(errors: ValidationError[], parentPath = ''): FieldError[] {
  return errors.flatMap((error) => {
    // Values are withheld from the errors, so an array element is told by its numeric property.
    const path = !parentPath
      ? error.property
      : /^\d+$/.test(error.property)
        ? `${parentPath}[${error.property}]`
        : `${parentPath}.${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field: path, message: describe(path, error.property, message) }));
    return [...own, ...flattenValidationErrors(error.children ?? [], path)];
  });
}

// class-validator words messages as "<property> must ..." (its own dotted path for nested ones)
// or "property <name> should not exist"; name the field by its full path instead.
function describe(path: string, property: string, message: string): string {
  const unknown = /^property (\S+) should not exist$/.exec(message);
  if (unknown) return `${path} should not exist`;
  const subject = message.split(' ')[0] ?? '';
  return subject === property || subject.endsWith(`.${property}`) ? `${path}${message.slice(subject.length)}` : message;
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
