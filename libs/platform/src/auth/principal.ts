export const ROLES = ['service', 'seller', 'analyst', 'compliance', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ALL_CONTROLLERS = '*';

/**
 * Who is calling, from a verified token. `controllers` is the token's scope, `['*']` for all;
 * `sellerId` is the seller a seller token acts as.
 */
export interface Principal {
  subject: string;
  roles: readonly Role[];
  controllers: readonly string[];
  sellerId?: string;
}

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);

export function hasAnyRole(principal: Principal, roles: readonly Role[]): boolean {
  return roles.some((role) => principal.roles.includes(role));
}

export function coversController(principal: Principal, controllerId: string): boolean {
  return principal.controllers.includes(ALL_CONTROLLERS) || principal.controllers.includes(controllerId);
}
