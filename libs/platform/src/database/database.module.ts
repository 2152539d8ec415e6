import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { type DatabaseSettings, dataSourceOptions, openDatabase } from './data-source';

/** TypeORM connection for the app; migrations run before anything else uses it. */
@Module({})
export class DatabaseModule {
  static forRoot(settings: DatabaseSettings): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => dataSourceOptions(settings),
          dataSourceFactory: async () => openDatabase(settings),
        }),
      ],
      exports: [TypeOrmModule],
    };
  }
}
