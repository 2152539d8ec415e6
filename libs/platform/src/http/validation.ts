import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { type FieldError, ValidationProblem } from './problem';

/**
 * Flattens class-validator's tree into `customers[3].email`-style field paths, one message per
 * field: the first rule the value broke (see `firstFailedRule`), worded by `naturalMessage`.
 */
export function flattenValidationErrors(errors: ValidationError[], parentPath = ''): FieldError[] {
  return errors.flatMap((error) => {
    // Values are withheld from the errors, so an array element is told by its numeric property.
    const path = !parentPath
      ? error.property
      : /^\d+$/.test(error.property)
        ? `${parentPath}[${error.property}]`
        : `${parentPath}.${error.property}`;
    const rule = firstFailedRule(error.constraints ?? {});
    const own = rule ? [{ field: path, message: naturalMessage(path, error.property, rule[0], rule[1]) }] : [];
    return [...own, ...flattenValidationErrors(error.children ?? [], path)];
  });
}

// A value of the wrong type breaks every rule after the type check too (`quantity: "2"` is not
// an integer, not at least 1 and not at most 10000); the type is what to fix, so it is named.
const TYPE_RULES = ['isDefined', 'isString', 'isInt', 'isNumber', 'isBoolean', 'isArray', 'isObject', 'nestedValidation'];

/**
 * The rule to report: a failed type check first, else the first failed rule as the DTO declares
 * it. Decorators apply bottom-up, so class-validator holds a property's rules last-declared first.
 */
export function firstFailedRule(constraints: Record<string, string>): [rule: string, message: string] | undefined {
  const declared = Object.entries(constraints).reverse();
  for (const rule of TYPE_RULES) {
    const failed = declared.find(([name]) => name === rule);
    if (failed) return failed;
  }
  return declared[0];
}

/**
 * class-validator's default messages in plain English ("must contain at least 1 elements" reads
 * "must not be empty"), the field named by its full path. Messages a DTO wrote itself only get
 * the path.
 */
export function naturalMessage(path: string, property: string, rule: string, message: string): string {
  const n = (pattern: RegExp) => pattern.exec(message)?.slice(1).map(Number);
  const at = (text: string) => `${path} ${text}`;
  switch (rule) {
    case 'whitelistValidation':
      return at('should not exist');
    case 'nestedValidation':
      return at('must be an object');
    case 'isInt':
      return at('must be an integer');
    case 'isEmail':
      return at('must be an e-mail address');
    case 'arrayMinSize': {
      const [min] = n(/at least (\d+) elements/) ?? [];
      if (min !== undefined) return at(min === 1 ? 'must not be empty' : `must have at least ${min} entries`);
      break;
    }
    case 'arrayMaxSize': {
      const [max] = n(/no more than (\d+) elements/) ?? [];
      if (max !== undefined) return at(`must have at most ${max} entries`);
      break;
    }
    case 'isLength':
    case 'minLength':
    case 'maxLength': {
      const both = n(/longer than or equal to (\d+) and shorter than or equal to (\d+) characters/);
      if (both) return at(`must be ${both[0]} to ${both[1]} characters long`);
      const [min] = n(/longer than or equal to (\d+) characters/) ?? [];
      if (min !== undefined) return at(min === 1 ? 'must not be empty' : `must be at least ${min} characters long`);
      const [max] = n(/shorter than or equal to (\d+) characters/) ?? [];
      if (max !== undefined) return at(`must be at most ${max} characters long`);
      break;
    }
    case 'min': {
      const [min] = n(/must not be less than (-?[\d.]+)$/) ?? [];
      if (min !== undefined) return at(`must be at least ${min}`);
      break;
    }
    case 'max': {
      const [max] = n(/must not be greater than (-?[\d.]+)$/) ?? [];
      if (max !== undefined) return at(`must be at most ${max}`);
      break;
    }
    case 'isIn': {
      const values = /one of the following values: (.*)$/.exec(message)?.[1];
      if (values !== undefined) return at(`must be one of: ${values}`);
      break;
    }
  }
  return withPath(path, property, message);
}

// class-validator words messages as "<property> must ..." (its own dotted path for nested ones,
// "each value in <property> ..." for `each` rules); name the field by its full path instead.
function withPath(path: string, property: string, message: string): string {
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
