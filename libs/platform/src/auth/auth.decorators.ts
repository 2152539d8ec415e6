import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension } from '@nestjs/swagger';
import type { Principal, Role } from './principal';

export const PUBLIC_ROUTE = 'auth:public';
export const REQUIRED_ROLES = 'auth:roles';

/** Operations routes (health, metrics, docs) answer without a token. In OpenAPI: `x-public`. */
export const Public = () => applyDecorators(SetMetadata(PUBLIC_ROUTE, true), ApiExtension('x-public', true));

/**
 * The caller needs at least one of these roles. In OpenAPI: the bearer requirement and `x-roles`
 * (the document's route descriptions and docs/api.md are written from it).
 */
export const Roles = (...roles: Role[]) => applyDecorators(SetMetadata(REQUIRED_ROLES, roles), ApiBearerAuth(), ApiExtension('x-roles', roles));

export interface AuthenticatedRequest {
  principal?: Principal;
}

/** The verified caller of the current request. */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a public route');
  return principal;
});
