import { type AppConfig, AppConfigModule } from '@app/platform';
import { type DynamicModule, Module } from '@nestjs/common';
import { TokenCommand } from './token.command';

@Module({})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: CliModule, imports: [AppConfigModule.forRoot(config)], providers: [TokenCommand] };
  }
}
