import type { AppConfig } from '@app/platform';
import { type DynamicModule, Inject, Injectable, Logger, Module, type OnModuleInit } from '@nestjs/common';
import type { CountryCode } from 'libphonenumber-js';
import { BLIND_INDEX_OPTIONS, BlindIndex } from './blind-index/blind-index';
import { ErasureLedger } from './keyring/erasure-ledger';
import { KEK_PROVIDER } from './keyring/kek-provider';
import { Keyring } from './keyring/keyring';
import { LocalKeyringProvider } from './keyring/local-keyring.provider';
import { RestoreGuard } from './keyring/restore-guard';
import { CampaignKeyspaces } from './keys/campaign-keyspaces';
import { DataKeyStore } from './keys/data-key-store';
import { KEY_CACHE_OPTIONS, KeyCache } from './keys/key-cache';
import { KeyShredder } from './keys/key-shredder';
import { KeyringRotation } from './rotation/keyring-rotation';
import { Sealer } from './sealing/sealer';

export interface CryptoShreddingOptions {
  keyringFile: string;
  erasureLedgerFile: string;
  /** Development and tests only: generate a keyring when the file is missing. */
  createKeyringIfMissing: boolean;
  keyCacheTtlMs: number;
  keyCacheMax?: number;
  defaultPhoneRegion: string;
}

export function cryptoShreddingOptions(config: AppConfig): CryptoShreddingOptions {
  return {
    keyringFile: config.keyringFile,
    erasureLedgerFile: config.erasureLedgerFile,
    createKeyringIfMissing: !config.isProduction,
    keyCacheTtlMs: config.KEY_CACHE_TTL_MS,
    defaultPhoneRegion: config.PHONE_DEFAULT_REGION,
  };
}

/** Start order: keyring (and its database state), restore guard, then the key cache's LISTEN. */
@Injectable()
class CryptoShreddingStartup implements OnModuleInit {
  constructor(
    @Inject(Keyring) private readonly keyring: Keyring,
    @Inject(RestoreGuard) private readonly restoreGuard: RestoreGuard,
    @Inject(KeyCache) private readonly keyCache: KeyCache,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.keyring.initialize();
    await this.restoreGuard.run();
    await this.keyCache.start();
  }
}

@Module({})
export class CryptoShreddingModule {
  static forRoot(options: CryptoShreddingOptions): DynamicModule {
    const logger = new Logger('Keyring');
    return {
      module: CryptoShreddingModule,
      global: true,
      providers: [
        {
          provide: KEK_PROVIDER,
          useFactory: () =>
            new LocalKeyringProvider({
              file: options.keyringFile,
              createIfMissing: options.createKeyringIfMissing,
              onGenerated: (file) =>
                logger.warn(`generated a new development keyring at ${file}: fine for development, never for production (set KEYRING_FILE to a keyring kept apart from the database and its backups)`),
            }),
        },
        { provide: ErasureLedger, useFactory: () => new ErasureLedger(options.erasureLedgerFile) },
        { provide: KEY_CACHE_OPTIONS, useValue: { ttlMs: options.keyCacheTtlMs, max: options.keyCacheMax ?? 100_000 } },
        { provide: BLIND_INDEX_OPTIONS, useValue: { defaultPhoneRegion: options.defaultPhoneRegion as CountryCode } },
        Keyring,
        DataKeyStore,
        CampaignKeyspaces,
        KeyCache,
        KeyShredder,
        Sealer,
        BlindIndex,
        KeyringRotation,
        RestoreGuard,
        CryptoShreddingStartup,
      ],
      exports: [Keyring, DataKeyStore, CampaignKeyspaces, KeyCache, KeyShredder, Sealer, BlindIndex, KeyringRotation, RestoreGuard, ErasureLedger, KEK_PROVIDER],
    };
  }
}
