import { createPublicKey, type KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { AppConfig } from '../config/app-config';
import { ALL_CONTROLLERS, isRole, type Principal } from './principal';

export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
}

interface VerificationKey {
  key: Uint8Array | KeyObject;
  algorithms: string[];
}

// Controller and seller ids share the API's id charset.
const ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Verifies bearer tokens: HS256 with JWT_SECRET, or RS256/ES256 with JWT_PUBLIC_KEY; iss/aud when configured. */
@Injectable()
export class JwtVerifier {
  private readonly verification: VerificationKey;

  constructor(@Inject(AppConfig) private readonly config: AppConfig) {
    this.verification = verificationKey(config);
  }

  async verify(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.verification.key, {
        algorithms: this.verification.algorithms,
        issuer: this.config.JWT_ISSUER,
        audience: this.config.JWT_AUDIENCE,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      throw new InvalidTokenError(describeJoseError(error));
    }
    return toPrincipal(payload);
  }
}

function verificationKey(config: AppConfig): VerificationKey {
  if (config.JWT_PUBLIC_KEY) {
    const key = createPublicKey(config.JWT_PUBLIC_KEY);
    if (key.asymmetricKeyType === 'rsa') return { key, algorithms: ['RS256'] };
    if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return { key, algorithms: ['ES256'] };
    throw new Error('JWT_PUBLIC_KEY must be an RSA key (RS256) or a P-256 EC key (ES256)');
  }
  const secret = config.jwtSecret;
  if (!secret) throw new Error('no JWT verification key configured');
  return { key: new TextEncoder().encode(secret), algorithms: ['HS256'] };
}

function toPrincipal(payload: JWTPayload): Principal {
  const { sub, roles, controllers, sellerId } = payload as JWTPayload & { roles?: unknown; controllers?: unknown; sellerId?: unknown };
  if (typeof sub !== 'string' || sub.length === 0) throw new InvalidTokenError('token has no subject');
  if (!Array.isArray(roles) || !roles.every(isRole)) throw new InvalidTokenError('token roles claim is missing or names an unknown role');
  if (!Array.isArray(controllers) || !controllers.every((c) => typeof c === 'string' && (c === ALL_CONTROLLERS || ID.test(c)))) {
    throw new InvalidTokenError('token controllers claim is missing or malformed');
  }
  if (sellerId !== undefined && (typeof sellerId !== 'string' || !ID.test(sellerId))) throw new InvalidTokenError('token sellerId claim is malformed');
  return { subject: sub, roles, controllers, ...(sellerId !== undefined ? { sellerId } : {}) };
}

function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'token has expired';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'token signature is invalid';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `token claim "${error.claim}" is not accepted`;
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'token algorithm is not accepted';
  return 'token is malformed';
}
