import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { IntegrityError } from '../errors';
import { KeyCache } from '../keys/key-cache';
import { openWithKey, sealWithKey } from './seal-codec';
import { type Erased, erased, type PersonalData, type SealContext, type SealedBlob } from './sealed';

export interface SealRequest {
  keyId: string;
  plain: PersonalData;
  context: SealContext;
}

export interface OpenRequest {
  sealed: SealedBlob;
  context: SealContext;
}

/**
 * Seals and opens personal payloads through the key cache. Batches cost one key lookup per key
 * (one per customer), never one per event. A destroyed key opens as Erased; a blob that fails
 * authentication is an IntegrityError, logged as a security event, never shown as erased.
 */
@Injectable()
export class Sealer {
  private readonly logger = new Logger('Security');

  constructor(@Inject(KeyCache) private readonly keys: KeyCache) {}

  /**
   * Pass the open transaction when the keys were created in it, and `known` plain keys the caller
   * holds already (just created): those need no lookup at all.
   */
  async sealMany(requests: SealRequest[], tx?: Pick<EntityManager, 'query'>, known?: ReadonlyMap<string, Buffer>): Promise<SealedBlob[]> {
    const states = await this.keys.get(requests.filter((r) => !known?.has(r.keyId)).map((r) => r.keyId), tx);
    return requests.map((request) => {
      const dek = known?.get(request.keyId);
      if (dek) return sealWithKey(dek, request.keyId, request.plain, request.context);
      const state = states.get(request.keyId);
      if (!state || state.status !== 'live') {
        throw new Error(`cannot seal under key ${request.keyId}: it is ${state ? state.status : 'unknown'}`);
      }
      return sealWithKey(state.dek, request.keyId, request.plain, request.context);
    });
  }

  async seal(keyId: string, plain: PersonalData, context: SealContext, tx?: Pick<EntityManager, 'query'>): Promise<SealedBlob> {
    return (await this.sealMany([{ keyId, plain, context }], tx))[0];
  }

  async openMany(requests: OpenRequest[], tx?: Pick<EntityManager, 'query'>): Promise<(PersonalData | Erased)[]> {
    const states = await this.keys.get(requests.map((r) => r.sealed.kid), tx);
    return requests.map(({ sealed, context }) => {
      const state = states.get(sealed.kid);
      try {
        if (!state) throw new IntegrityError(sealed.kid, 'no such data key');
        if (state.status === 'tampered') throw new IntegrityError(sealed.kid, 'its data key row does not unwrap');
        if (state.status === 'destroyed') return erased(sealed.kid);
        return openWithKey(state.dek, sealed, context);
      } catch (error) {
        if (error instanceof IntegrityError) {
          this.logger.error({ event: 'security.integrity_failure', keyId: sealed.kid, context: context.kind }, 'a sealed payload failed integrity checks');
        }
        throw error;
      }
    });
  }

  async open(sealed: SealedBlob, context: SealContext): Promise<PersonalData | Erased> {
    return (await this.openMany([{ sealed, context }]))[0];
  }
}
