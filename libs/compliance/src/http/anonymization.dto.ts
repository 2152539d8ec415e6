import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { REASON_CODES, type ReasonCode, REFERENCE_PATTERN } from '../domain/reason-codes';

const MODES = ['standard', 'full'] as const;

/** Why: a reason code and an optional ticket id. Free text never enters the audit log. */
export class GroundsDto {
  @ApiProperty({ enum: REASON_CODES, example: 'purpose-fulfilled' })
  @IsIn(REASON_CODES, { message: `reasonCode must be one of: ${REASON_CODES.join(', ')}` })
  reasonCode!: ReasonCode;

  @ApiPropertyOptional({ pattern: REFERENCE_PATTERN.source, example: 'TICKET-4711', description: 'A ticket or case id, never a sentence' })
  @IsOptional()
  @IsString()
  @Matches(REFERENCE_PATTERN, { message: `reference must match ${REFERENCE_PATTERN.source} (a ticket or case id)` })
  reference?: string;
}

export class AnonymizeCustomerDto extends GroundsDto {
  @ApiProperty({ enum: MODES, description: 'standard: everything personal but customerRef; full: customerRef too' })
  @IsIn(MODES, { message: 'mode must be one of: standard, full' })
  mode!: (typeof MODES)[number];
}

export class AnonymizeCampaignDto extends AnonymizeCustomerDto {
  @ApiProperty({ example: 'Julekampanje 2026', description: "The campaign's name, typed: an irreversible command is confirmed by name" })
  @IsString()
  @Length(1, 200)
  confirm!: string;
}
