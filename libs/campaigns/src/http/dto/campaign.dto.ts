import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { RESPONSE_CODE } from '../../domain/campaign.decider';
import { DATE_PATTERN, ID_PATTERN } from './validators';

export class RegisterControllerDto {
  @ApiProperty({ example: 'telco-no', description: 'The caller\'s id for the controller: 1-64 of [A-Za-z0-9._-]' })
  @Matches(ID_PATTERN, { message: 'id must be 1-64 characters of A-Z, a-z, 0-9, ".", "_" or "-"' })
  id!: string;

  @ApiProperty({ example: 'Telco Norge AS' })
  @IsString()
  @Length(1, 200)
  name!: string;
}

export class UpsertSellerDto {
  @ApiProperty({ example: 'Ola Nordmann', description: 'Staff personal data: sealed under the seller\'s own key' })
  @IsString()
  @Length(1, 200)
  name!: string;
}

export class ProductDto {
  @ApiProperty({ example: 'BB-100' })
  @Matches(ID_PATTERN, { message: 'sku must be 1-64 characters of A-Z, a-z, 0-9, ".", "_" or "-"' })
  sku!: string;

  @ApiProperty({ example: 'Broadband 100' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ example: 49900, description: 'Minor units of the campaign currency' })
  @IsInt()
  @Min(1)
  @Max(1_000_000_000_000)
  unitPriceMinor!: number;
}

export class BudgetDto {
  @ApiProperty({ example: 'seller-17' })
  @Matches(ID_PATTERN, { message: 'sellerId must be 1-64 characters of A-Z, a-z, 0-9, ".", "_" or "-"' })
  sellerId!: string;

  @ApiProperty({ example: 5000000 })
  @IsInt()
  @Min(1)
  @Max(1_000_000_000_000)
  targetMinor!: number;
}

export class RetentionDto {
  @ApiProperty({ example: 30, description: 'Standard anonymization this many days after endsOn' })
  @IsInt()
  @Min(0)
  @Max(36_500)
  anonymizeAfterDays!: number;

  @ApiProperty({ example: 365, description: 'Full anonymization this many days after endsOn' })
  @IsInt()
  @Min(0)
  @Max(36_500)
  fullAnonymizeAfterDays!: number;
}

export class CreateCampaignDto {
  @ApiProperty({ example: 'telco-no' })
  @Matches(ID_PATTERN, { message: 'controllerId must be 1-64 characters of A-Z, a-z, 0-9, ".", "_" or "-"' })
  controllerId!: string;

  @ApiProperty({ example: 'Winter broadband 2026' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ example: 'Telemarketing of broadband subscriptions to existing customers' })
  @IsString()
  @Length(1, 1000)
  purpose!: string;

  @ApiProperty({ example: '2026-12-01', format: 'date' })
  @Matches(DATE_PATTERN, { message: 'startsOn must be a date (YYYY-MM-DD)' })
  startsOn!: string;

  @ApiProperty({ example: '2026-12-31', format: 'date' })
  @Matches(DATE_PATTERN, { message: 'endsOn must be a date (YYYY-MM-DD)' })
  endsOn!: string;

  @ApiProperty({ example: 'NOK', description: 'ISO 4217' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as NOK' })
  currency!: string;

  @ApiProperty({ type: [ProductDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => ProductDto)
  products!: ProductDto[];

  @ApiPropertyOptional({ type: [BudgetDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10_000)
  @ValidateNested({ each: true })
  @Type(() => BudgetDto)
  budgets?: BudgetDto[];

  @ApiPropertyOptional({ example: ['sold', 'not-interested', 'call-back'], description: `Each matching ${RESPONSE_CODE.source}` })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @Matches(RESPONSE_CODE, { each: true, message: `each responseCodes entry must match ${RESPONSE_CODE.source}` })
  responseCodes?: string[];

  @ApiPropertyOptional({ example: 'Europe/Oslo', description: 'IANA time zone; day buckets use it' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  timeZone?: string;

  @ApiPropertyOptional({ type: RetentionDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RetentionDto)
  retention?: RetentionDto;
}
