import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsObject, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { CALLER_ID_PATTERN } from '../domain/identifiers';
import { REQUEST_STATUSES } from '../domain/data-subject-request';
import { REFERENCE_PATTERN } from '../domain/reason-codes';
import { GroundsDto } from './anonymization.dto';
import { ComplianceReadQueryDto } from './compliance-query.dto';

const MODES = ['standard', 'full'] as const;
const controllerIdMessage = 'controllerId must be 1-64 characters of A-Z, a-z, 0-9, ".", "_" or "-"';

/** Exactly one identifier of the person, as the controller knows it. Hashed for the lookup, stored nowhere. */
export class SubjectMatchDto {
  @ApiPropertyOptional({ example: 'CRM-000123', description: "The controller's own id for the person, as enrolled" })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  customerRef?: string;

  @ApiPropertyOptional({ example: 'Kari.Nordmann@Example.no', description: 'Any case: e-mail addresses are compared lower-cased' })
  @IsOptional()
  @IsString()
  @Length(3, 254)
  email?: string;

  @ApiPropertyOptional({ example: '0047 912 34 567', description: 'Any common notation: compared in E.164 (a number without a country code is read in PHONE_DEFAULT_REGION)' })
  @IsOptional()
  @IsString()
  @Length(3, 32)
  phone?: string;
}

export class AccessRequestDto {
  @ApiProperty({ example: 'telco-no', description: "The controller whose customers are searched; outside the token's controllers: 403" })
  @Matches(CALLER_ID_PATTERN, { message: controllerIdMessage })
  controllerId!: string;

  @ApiProperty({ type: SubjectMatchDto, description: 'Exactly one of customerRef, email, phone' })
  @IsObject({ message: 'match must be an object naming exactly one of customerRef, email, phone' })
  @ValidateNested()
  @Type(() => SubjectMatchDto)
  match!: SubjectMatchDto;

  @ApiPropertyOptional({ pattern: REFERENCE_PATTERN.source, example: 'DSR-2026-118', description: 'A ticket or case id for the register, never a sentence' })
  @IsOptional()
  @IsString()
  @Matches(REFERENCE_PATTERN, { message: `reference must match ${REFERENCE_PATTERN.source} (a ticket or case id)` })
  reference?: string;
}

export class ErasureRequestDto extends GroundsDto {
  @ApiProperty({ example: 'telco-no', description: "The controller whose customers are erased; outside the token's controllers: 403" })
  @Matches(CALLER_ID_PATTERN, { message: controllerIdMessage })
  controllerId!: string;

  @ApiProperty({ type: SubjectMatchDto, description: 'Exactly one of customerRef, email, phone' })
  @IsObject({ message: 'match must be an object naming exactly one of customerRef, email, phone' })
  @ValidateNested()
  @Type(() => SubjectMatchDto)
  match!: SubjectMatchDto;

  @ApiPropertyOptional({ enum: MODES, default: 'full', description: 'full (default): nothing links the sales to the person; standard: everything personal but customerRef' })
  @IsOptional()
  @IsIn(MODES, { message: 'mode must be one of: standard, full' })
  mode?: (typeof MODES)[number];
}

export class RequestsQueryDto extends ComplianceReadQueryDto {
  @ApiPropertyOptional({ enum: REQUEST_STATUSES })
  @IsOptional()
  @IsIn(REQUEST_STATUSES, { message: 'status must be one of: open, completed' })
  status?: (typeof REQUEST_STATUSES)[number];

  @ApiPropertyOptional({ example: 'telco-no', description: "One controller's requests; one outside the token's controllers lists none" })
  @IsOptional()
  @Matches(CALLER_ID_PATTERN, { message: controllerIdMessage })
  controllerId?: string;
}
