import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { plainToInstance, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsEmail, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min, ValidateNested, validateSync } from 'class-validator';
import { flattenValidationErrors } from './validation';

class Line {
  @IsString()
  @Length(1, 200)
  name!: string;

  @IsInt()
  @Min(1)
  @Max(10_000)
  quantity!: number;
}

class Order {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @ValidateNested({ each: true })
  @Type(() => Line)
  lines!: Line[];

  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string;

  @IsOptional()
  @IsIn(['outbound', 'inbound'])
  direction?: string;

  @IsOptional()
  @Matches(/^[a-z]+$/, { message: 'code must be lower-case letters' })
  code?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => Line)
  first?: Line;
}

const line = { name: 'Broadband', quantity: 1 };
const errorsOf = (body: object) =>
  flattenValidationErrors(validateSync(plainToInstance(Order, body), { whitelist: true, forbidNonWhitelisted: true, validationError: { target: false, value: false } }));

describe('validation messages', () => {
  it('gives one message per field, naming the type when the value has the wrong type', () => {
    expect(errorsOf({ lines: [{ ...line, quantity: '2' }] })).toEqual([{ field: 'lines[0].quantity', message: 'lines[0].quantity must be an integer' }]);
    expect(errorsOf({ lines: 'all' })).toEqual([{ field: 'lines', message: 'lines must be an array' }]);
    expect(errorsOf({ lines: [{ ...line, name: 42 }] })).toEqual([{ field: 'lines[0].name', message: 'lines[0].name must be a string' }]);
  });

  it('names the first rule the value broke, in the order the DTO declares them', () => {
    expect(errorsOf({ lines: [{ ...line, quantity: 0 }] })).toEqual([{ field: 'lines[0].quantity', message: 'lines[0].quantity must be at least 1' }]);
    expect(errorsOf({ lines: [{ ...line, quantity: 10_001 }] })).toEqual([{ field: 'lines[0].quantity', message: 'lines[0].quantity must be at most 10000' }]);
  });

  it('words sizes and lengths in plain English', () => {
    expect(errorsOf({ lines: [] })).toEqual([{ field: 'lines', message: 'lines must not be empty' }]);
    expect(errorsOf({ lines: [line, line, line, line] })).toEqual([{ field: 'lines', message: 'lines must have at most 3 entries' }]);
    expect(errorsOf({ lines: [{ ...line, name: '' }] })).toEqual([{ field: 'lines[0].name', message: 'lines[0].name must not be empty' }]);
    expect(errorsOf({ lines: [{ ...line, name: 'x'.repeat(201) }] })).toEqual([{ field: 'lines[0].name', message: 'lines[0].name must be at most 200 characters long' }]);
    expect(errorsOf({ lines: [line], email: 'nope' })).toEqual([{ field: 'email', message: 'email must be an e-mail address' }]);
    expect(errorsOf({ lines: [line], direction: 'sideways' })).toEqual([{ field: 'direction', message: 'direction must be one of: outbound, inbound' }]);
  });

  it('keeps a message the DTO wrote, and names nested objects, elements and unknown properties by path', () => {
    expect(errorsOf({ lines: [line], code: 'ABC' })).toEqual([{ field: 'code', message: 'code must be lower-case letters' }]);
    expect(errorsOf({ lines: [line], first: 30 })).toEqual([{ field: 'first', message: 'first must be an object' }]);
    expect(errorsOf({ lines: ['x'] })).toEqual([{ field: 'lines[0]', message: 'lines[0] must be an object' }]);
    expect(errorsOf({ lines: [{ ...line, colour: 'red' }] })).toEqual([{ field: 'lines[0].colour', message: 'lines[0].colour should not exist' }]);
  });

  it('never quotes the value', () => {
    const errors = errorsOf({ lines: [{ name: 'secret-name-'.repeat(20), quantity: 'secret-quantity' }], email: 'secret-at-example' });
    expect(errors.map((e) => e.field).sort()).toEqual(['email', 'lines[0].name', 'lines[0].quantity']);
    expect(JSON.stringify(errors)).not.toContain('secret');
  });
});
