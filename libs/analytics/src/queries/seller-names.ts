import { isErased } from '@app/crypto-shredding';
import { SealingEventStore, StreamNotFound } from '@app/event-store';
import { Inject, Injectable } from '@nestjs/common';

/**
 * Seller names are staff data sealed under each seller's key, never copied into analytics: they
 * are opened at query time (through the key cache). An erased seller's name is null; its figures stay.
 */
@Injectable()
export class SellerNames {
  constructor(@Inject(SealingEventStore) private readonly events: SealingEventStore) {}

  async of(sellerIds: string[]): Promise<Map<string, string | null>> {
    const latest = await Promise.all(
      [...new Set(sellerIds)].map(async (sellerId) => {
        try {
          const [event] = await this.events.readStream(`seller-${sellerId}`, { direction: 'backwards', limit: 1 });
          return { sellerId, event };
        } catch (error) {
          if (error instanceof StreamNotFound) return { sellerId, event: undefined };
          throw error;
        }
      }),
    );
    const present = latest.filter((l) => l.event?.personal);
    const opened = await this.events.open(present.map((l) => l.event!));
    const names = new Map<string, string | null>(sellerIds.map((id) => [id, null]));
    present.forEach((l, i) => {
      const personal = opened[i].personal;
      names.set(l.sellerId, personal && !isErased(personal) && typeof personal.name === 'string' ? personal.name : null);
    });
    return names;
  }
}
