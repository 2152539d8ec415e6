import { KeyringRotation } from '@app/crypto-shredding';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Certificates } from './certificates';

/**
 * Attests irrecoverability when a keyring rotation retires KEK versions. A failure fails the
 * rotation's retire phase, which runs again (and attests again) when the rotation is resumed.
 */
@Injectable()
export class IrrecoverabilityAttestation implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(IrrecoverabilityAttestation.name);
  private unregister: (() => void) | undefined;

  constructor(
    @Inject(KeyringRotation) private readonly rotation: KeyringRotation,
    @Inject(Certificates) private readonly certificates: Certificates,
  ) {}

  onModuleInit(): void {
    this.unregister = this.rotation.onRetired(async ({ rotationId, allRetiredKekVersions }) => {
      const attested = await this.certificates.attestIrrecoverable(allRetiredKekVersions);
      this.logger.log({ rotationId, certificatesAttested: attested.length }, 'irrecoverability attested');
    });
  }

  onModuleDestroy(): void {
    this.unregister?.();
  }
}
