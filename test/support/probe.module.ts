import { assertPathInScope, CurrentPrincipal, type Principal, ProblemException, Roles } from '@app/platform';
import { Body, Controller, Get, HttpCode, Logger, Module, Param, Post } from '@nestjs/common';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsEmail, IsInt, IsOptional, IsString, Min, ValidateNested } from 'class-validator';

// Routes that exist only in tests, to exercise the platform's guard, pipe, filter and logger.

class ProbeCustomerDto {
  @IsString()
  customerRef!: string;

  @IsOptional()
  @IsString()
  name?: string;

  @IsOptional()
  @IsEmail()
  email?: string;

  @IsOptional()
  @IsString()
  phone?: string;
}

export class ProbeBodyDto {
  @IsInt()
  @Min(1)
  quantity!: number;

  @IsOptional()
  @IsString()
  comment?: string;

  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => ProbeCustomerDto)
  customers!: ProbeCustomerDto[];
}

@Controller('v1/probe')
export class ProbeController {
  private readonly logger = new Logger(ProbeController.name);

  @Get('controllers/:controllerId')
  @Roles('analyst', 'admin')
  readScoped(@Param('controllerId') controllerId: string, @CurrentPrincipal() principal: Principal) {
    assertPathInScope(principal, controllerId, () => new ProblemException('unknown-campaign', 'no such campaign'));
    return { controllerId, subject: principal.subject, sellerId: principal.sellerId ?? null };
  }

  @Post('echo')
  @HttpCode(200)
  @Roles('service')
  echo(@Body() body: ProbeBodyDto) {
    // A careless handler: logs the whole DTO. Redaction must still keep personal values out.
    this.logger.log({ body, dto: body }, 'probe received');
    return { quantity: body.quantity, customers: body.customers.length };
  }

  @Post('explode')
  @Roles('service')
  explode(@Body() body: ProbeBodyDto): never {
    // An error whose message quotes personal data: the message must not reach the log or the response.
    throw new Error(`could not process ${body.customers.map((c) => `${c.email} ${c.name}`).join(', ')}`);
  }
}

@Module({ controllers: [ProbeController] })
export class ProbeModule {}
