import type { Decider } from './decider';
import type { SellerEvent } from './events';

export type UpsertSeller = { type: 'UpsertSeller'; sellerId: string; name: string; now: string };
export type SellerState = { exists: boolean };

/** A seller's name is staff personal data: sealed under the seller's own key, never shredded with customers. */
export const sellerDecider: Decider<UpsertSeller, SellerEvent, SellerState> = {
  initialState: () => ({ exists: false }),
  evolve: () => ({ exists: true }),
  decide: (command) => [{ type: 'SellerUpserted', data: { sellerId: command.sellerId, at: command.now }, personal: { name: command.name } }],
};
