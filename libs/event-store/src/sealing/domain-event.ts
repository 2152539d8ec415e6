/**
 * What the domain writes: `data` is plain and never personal; `personal` (and, for enrollment and
 * reference corrections, `reference`) are plain objects here and sealed by the codec on append.
 */
export interface DomainEvent<Type extends string = string, Data extends object = Record<string, unknown>> {
  type: Type;
  data: Data;
  personal?: Record<string, unknown>;
  reference?: Record<string, unknown>;
}

declare const sealedBrand: unique symbol;

/**
 * A personal payload as state loading and projections see it: present or not, and nothing more.
 * It has no accessor; only the codec's `open` (query side, through the key cache) can read it.
 */
export interface SealedPayload {
  readonly [sealedBrand]: true;
}
