import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsEmail, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { RESPONSE_CODE } from '../../domain/campaign.decider';
import { MAX_SALE_QUANTITY } from '../../domain/customer.decider';
import { ID_PATTERN, IsFlatRecord, IsPosition, IsRfc3339Time, PresentOrAbsent } from './validators';

const sellerIdMessage = 'sellerId must be 1-64 characters of A-Z, a-z, 0-9, ".", "_" or "-"';
const flatExample = { segment: 'B2C', contractMonths: 12, consent: true };
const customerPhone =
  'Any notation (+47 912 34 567, 0047 91234567, 91234567); stored and returned in E.164 (+4791234567), a number without a country code read in PHONE_DEFAULT_REGION (default NO). One that is no phone number is a 400.';
const interactionPhone =
  'Stored and returned in E.164 (+4791234567) when it parses as a phone number (PHONE_DEFAULT_REGION for numbers without a country code); otherwise kept as given, for alphanumeric sender ids ("Telenor") and short codes.';
const timeDescription = 'RFC 3339 with Z or an offset (2026-12-02T10:30:00+01:00); stored and returned as UTC with milliseconds (2026-12-02T09:30:00.000Z)';

export class CustomerInputDto {
  @ApiProperty({ example: 'CRM-000123', description: "The controller's own id for the person (sealed under the reference key)" })
  @IsString()
  @Length(1, 128)
  customerRef!: string;

  @ApiPropertyOptional({ example: 'Kari Nordmann' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ example: 'kari@example.no' })
  @PresentOrAbsent()
  @IsEmail()
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ example: '+47 912 34 567', description: customerPhone })
  @PresentOrAbsent()
  @IsString()
  @Length(3, 32)
  phone?: string;

  @ApiPropertyOptional({ example: flatExample, description: 'Flat CRM fields: string, number or boolean values' })
  @IsOptional()
  @IsFlatRecord()
  fields?: Record<string, string | number | boolean>;
}

export class EnrollCustomersDto {
  @ApiProperty({ type: [CustomerInputDto], description: '1-10,000 customers; the whole batch is refused if any row is' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10_000)
  @ValidateNested({ each: true })
  @Type(() => CustomerInputDto)
  customers!: CustomerInputDto[];
}

/** A JSON Merge Patch (RFC 7396) of the customer's details: absent keys stay, null removes. */
export class PatchCustomerDto {
  @ApiPropertyOptional({ example: 'Kari Nordmann', nullable: true, description: 'null removes the name' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string | null;

  @ApiPropertyOptional({ example: 'kari.nordmann@example.no', nullable: true, description: 'null removes the e-mail address (and its blind-index entry)' })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ example: '+47 912 34 567', nullable: true, description: `${customerPhone} null removes the phone.` })
  @IsOptional()
  @IsString()
  @Length(3, 32)
  phone?: string | null;

  @ApiPropertyOptional({
    example: { segment: 'VIP', contractMonths: null },
    nullable: true,
    description:
      'Merged into the current fields key by key (RFC 7396): keys not named stay, a null value removes its key, null for the whole object removes every field. Values are strings, numbers or booleans; at most 100 fields after the merge.',
  })
  @IsOptional()
  @IsFlatRecord({ nullRemoves: true })
  fields?: Record<string, string | number | boolean | null> | null;
}

class InteractionDto {
  @ApiProperty({ example: 'seller-17' })
  @Matches(ID_PATTERN, { message: sellerIdMessage })
  sellerId!: string;
}

export class SmsDto extends InteractionDto {
  @ApiProperty({ enum: ['outbound', 'inbound'] })
  @IsIn(['outbound', 'inbound'])
  direction!: 'outbound' | 'inbound';

  @ApiProperty({ example: '+47 912 34 567', description: interactionPhone })
  @IsString()
  @Length(3, 32)
  phone!: string;

  @ApiProperty({ example: 'Hei! Tilbudet gjelder ut desember.' })
  @IsString()
  @Length(1, 2000)
  body!: string;

  @ApiPropertyOptional({ example: '2026-12-02T10:30:00+01:00', description: `${timeDescription}; defaults to now` })
  @IsOptional()
  @IsRfc3339Time()
  at?: string;
}

export class EmailDto extends InteractionDto {
  @ApiProperty({ enum: ['outbound', 'inbound'] })
  @IsIn(['outbound', 'inbound'])
  direction!: 'outbound' | 'inbound';

  @ApiProperty({ example: 'kari@example.no' })
  @IsEmail()
  @MaxLength(254)
  address!: string;

  @ApiProperty({ example: 'Your offer' })
  @IsString()
  @Length(1, 998)
  subject!: string;

  @ApiProperty({ example: 'Dear Kari, ...' })
  @IsString()
  @Length(1, 100_000)
  body!: string;

  @ApiPropertyOptional({ example: '2026-12-02T10:30:00+01:00', description: `${timeDescription}; defaults to now` })
  @IsOptional()
  @IsRfc3339Time()
  at?: string;
}

export class CallDto extends InteractionDto {
  @ApiProperty({ example: '+47 912 34 567', description: interactionPhone })
  @IsString()
  @Length(3, 32)
  phone!: string;

  @ApiProperty({ example: '2026-12-02T10:30:00+01:00', description: `${timeDescription}; also the call's place on the timeline` })
  @IsRfc3339Time()
  startedAt!: string;

  @ApiProperty({ example: 185 })
  @IsInt()
  @Min(0)
  @Max(86_400)
  durationSeconds!: number;

  @ApiPropertyOptional({ example: 'Wants a call back after Christmas' })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  notes?: string;
}

export class ResponseDto extends InteractionDto {
  @ApiProperty({ example: 'call-back', description: `From the campaign's list, else matching ${RESPONSE_CODE.source}` })
  @Matches(RESPONSE_CODE, { message: `code must match ${RESPONSE_CODE.source}` })
  code!: string;

  @ApiPropertyOptional({ example: 'Call after 18:00' })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  comment?: string;

  @ApiPropertyOptional({ example: '2026-12-02T10:30:00+01:00', description: `${timeDescription}; defaults to now` })
  @IsOptional()
  @IsRfc3339Time()
  at?: string;
}

export class SaleDto extends InteractionDto {
  @ApiProperty({ example: 'BB-100' })
  @Matches(ID_PATTERN, { message: 'sku must be 1-64 characters of A-Z, a-z, 0-9, ".", "_" or "-"' })
  sku!: string;

  @ApiProperty({ example: 1, minimum: 1, maximum: MAX_SALE_QUANTITY })
  @IsInt()
  @Min(1)
  @Max(MAX_SALE_QUANTITY)
  quantity!: number;

  @ApiPropertyOptional({ example: 44900, description: "Defaults to the campaign product's price" })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000_000_000)
  unitPriceMinor?: number;

  @ApiPropertyOptional({ example: { serialNumber: 'RT-88812', installationDate: '2027-01-04' }, description: 'Sealed with the customer data' })
  @IsOptional()
  @IsFlatRecord()
  extraFields?: Record<string, string | number | boolean>;

  @ApiPropertyOptional({ example: '2026-12-02T10:30:00+01:00', description: `${timeDescription}; defaults to now` })
  @IsOptional()
  @IsRfc3339Time()
  at?: string;
}

export class WaitForQueryDto {
  @ApiPropertyOptional({ description: 'Answer only once the read model has processed this position' })
  @IsOptional()
  @IsPosition()
  waitFor?: string;
}

export class ListCustomersQueryDto extends WaitForQueryDto {
  @ApiPropertyOptional({ example: 50, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({
    enum: ['active', 'archived', 'all'],
    default: 'active',
    description: 'active: the working list (customers not archived, anonymized ones included); archived: only archived customers; all: both',
  })
  @IsOptional()
  @IsIn(['active', 'archived', 'all'])
  status?: 'active' | 'archived' | 'all';
}

export class ArchiveCustomersDto {
  @ApiPropertyOptional({
    type: [String],
    example: ['5d0c9f1a-6b1e-4c2d-8e3f-7a6b5c4d3e2f'],
    description: 'Customers of this campaign (1-10,000); leave it out for all of them. An id that is no customer of the campaign is a 422 naming customerIds[i].',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1, { message: 'customerIds must list at least one customer id (leave it out for all customers)' })
  @ArrayMaxSize(10_000)
  @IsString({ each: true })
  customerIds?: string[];
}
