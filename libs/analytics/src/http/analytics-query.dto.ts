import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Matches, registerDecorator } from 'class-validator';

const ID = /^[A-Za-z0-9._-]{1,64}$/;
const POSITION = /^\d{20}-\d{20}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar day `YYYY-MM-DD` that exists (2026-02-30 does not). */
function IsDay() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isDay',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must be a day as YYYY-MM-DD` },
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string' || !DAY.test(value)) return false;
          const date = new Date(`${value}T00:00:00Z`);
          return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
        },
      },
    });
}

export class AnalyticsScopeQueryDto {
  @ApiPropertyOptional({ description: 'Answer only once the projections behind this route have processed this position' })
  @IsOptional()
  @Matches(POSITION, { message: 'waitFor must be a position returned by a command' })
  waitFor?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'campaignId must be a campaign id (UUID)' })
  campaignId?: string;

  @ApiPropertyOptional({ example: 'telco-no', description: 'Must be one of the token\'s controllers (403 otherwise)' })
  @IsOptional()
  @Matches(ID, { message: 'controllerId must be 1-64 characters of A-Z a-z 0-9 . _ -' })
  controllerId?: string;

  @ApiPropertyOptional({ example: 'seller-17' })
  @IsOptional()
  @Matches(ID, { message: 'sellerId must be 1-64 characters of A-Z a-z 0-9 . _ -' })
  sellerId?: string;
}

export class AnalyticsFilterQueryDto extends AnalyticsScopeQueryDto {
  @ApiPropertyOptional({ example: '2026-12-01', description: 'First local day (in each campaign\'s time zone), inclusive' })
  @IsOptional()
  @IsDay()
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-31', description: 'Last local day, inclusive' })
  @IsOptional()
  @IsDay()
  to?: string;
}

export class SalesQueryDto extends AnalyticsFilterQueryDto {
  @ApiPropertyOptional({ enum: ['seller', 'campaign', 'product', 'day', 'month'], default: 'seller' })
  @IsOptional()
  @IsIn(['seller', 'campaign', 'product', 'day', 'month'], { message: 'groupBy must be one of seller, campaign, product, day, month' })
  groupBy?: 'seller' | 'campaign' | 'product' | 'day' | 'month';
}

export class RecordsQueryDto extends AnalyticsFilterQueryDto {
  @ApiPropertyOptional({ example: 'NOK', description: 'Needed when the filtered sales are in several currencies' })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be three capital letters (ISO 4217)' })
  currency?: string;
}

export class ResponsesQueryDto extends AnalyticsFilterQueryDto {
  @ApiPropertyOptional({ enum: ['code', 'seller'], default: 'code' })
  @IsOptional()
  @IsIn(['code', 'seller'], { message: 'groupBy must be one of code, seller' })
  groupBy?: 'code' | 'seller';
}

export class ActivityQueryDto extends AnalyticsFilterQueryDto {
  @ApiPropertyOptional({ enum: ['seller', 'campaign', 'day'], default: 'seller' })
  @IsOptional()
  @IsIn(['seller', 'campaign', 'day'], { message: 'groupBy must be one of seller, campaign, day' })
  groupBy?: 'seller' | 'campaign' | 'day';
}
