import { type AppConfig, issueToken, type Role } from '@app/platform';

export function tokenFor(config: AppConfig, roles: Role[], controllers: string[] = ['*'], subject = 'test-client', claims: { sellerId?: string } = {}): Promise<string> {
  return issueToken(config, { subject, roles, controllers, expiresIn: '10m', ...claims });
}
