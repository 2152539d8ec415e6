import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min, registerDecorator } from 'class-validator';

const POSITION = /^\d{20}-\d{20}$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;
export const AUDIT_PAGE_MAX = 5000;

/** An RFC 3339 time with Z or an offset that exists (2026-02-30 does not). */
function IsTime() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isTime',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must be an RFC 3339 time with Z or an offset, such as 2026-12-02T09:30:00Z` },
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string' || !RFC3339.test(value)) return false;
          const day = value.slice(0, 10);
          return !Number.isNaN(Date.parse(value)) && new Date(`${day}T00:00:00Z`).toISOString().startsWith(day);
        },
      },
    });
}

/** Every GET accepts waitFor; compliance records are written in the command's own transaction, so it is already satisfied. */
export class ComplianceReadQueryDto {
  @ApiPropertyOptional({ description: 'Accepted on every GET; audit entries and certificates commit with the command, so this answers at once' })
  @IsOptional()
  @Matches(POSITION, { message: 'waitFor must be a position returned by a command' })
  waitFor?: string;
}

export class AuditQueryDto extends ComplianceReadQueryDto {
  @ApiPropertyOptional({ example: '2026-12-01T00:00:00Z', description: 'Entries at or after this time' })
  @IsOptional()
  @IsTime()
  from?: string;

  @ApiPropertyOptional({ example: '2027-01-01T00:00:00Z', description: 'Entries before this time' })
  @IsOptional()
  @IsTime()
  to?: string;

  @ApiPropertyOptional({ example: 1000, minimum: 1, maximum: AUDIT_PAGE_MAX, default: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(AUDIT_PAGE_MAX, { message: `limit must be at most ${AUDIT_PAGE_MAX}` })
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @Matches(/^[1-9]\d{0,14}$/, { message: 'cursor must be a nextCursor this API returned' })
  cursor?: string;
}
