import { SignJWT } from 'jose';
import type { AppConfig } from '../config/app-config';
import type { Role } from './principal';

export interface TokenRequest {
  subject: string;
  roles: Role[];
  controllers: string[];
  /** The seller a seller token acts as (its interactions must name this seller). */
  sellerId?: string;
  /** Lifetime, e.g. "8h" or "30m". */
  expiresIn?: string;
}

/** Signs an HS256 token with the configured secret: development tokens and tests. */
export async function issueToken(config: AppConfig, request: TokenRequest): Promise<string> {
  const secret = config.jwtSecret;
  if (!secret) {
    throw new Error('tokens can only be issued with an HS256 secret (JWT_SECRET, or the development default outside production)');
  }
  const claims = { roles: request.roles, controllers: request.controllers, ...(request.sellerId === undefined ? {} : { sellerId: request.sellerId }) };
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(request.subject)
    .setIssuedAt()
    .setExpirationTime(request.expiresIn ?? '8h');
  if (config.JWT_ISSUER) jwt = jwt.setIssuer(config.JWT_ISSUER);
  if (config.JWT_AUDIENCE) jwt = jwt.setAudience(config.JWT_AUDIENCE);
  return jwt.sign(new TextEncoder().encode(secret));
}
