import { AppConfig, isRole, issueToken, type Role, ROLES } from '@app/platform';
import { Inject } from '@nestjs/common';
import { Command, CommandRunner, Option } from 'nest-commander';

interface TokenOptions {
  role: string[];
  controller: string[];
  subject: string;
  expiresIn: string;
}

@Command({
  name: 'token',
  description: 'Print a signed development token (HS256 with JWT_SECRET or the development default)',
})
export class TokenCommand extends CommandRunner {
  constructor(@Inject(AppConfig) private readonly config: AppConfig) {
    super();
  }

  async run(_: string[], options: TokenOptions): Promise<void> {
    const roles = options.role ?? [];
    const unknown = roles.filter((role) => !isRole(role));
    if (unknown.length > 0) {
      process.stderr.write(`cli: unknown role "${unknown.join('", "')}"; roles are ${ROLES.join(', ')}\n`);
      process.exitCode = 2;
      return;
    }
    const token = await issueToken(this.config, {
      subject: options.subject,
      roles: roles.length > 0 ? (roles as Role[]) : ['admin'],
      controllers: options.controller?.length ? options.controller : ['*'],
      expiresIn: options.expiresIn,
    });
    process.stdout.write(`${token}\n`);
  }

  @Option({ flags: '-r, --role <role>', description: `role to grant, repeatable (${ROLES.join(', ')}); default admin` })
  parseRole(value: string, previous: string[] = []): string[] {
    return [...previous, value];
  }

  @Option({ flags: '-c, --controller <id>', description: 'controller id in scope, repeatable; default * (all)' })
  parseController(value: string, previous: string[] = []): string[] {
    return [...previous, value];
  }

  @Option({ flags: '-s, --subject <sub>', description: 'token subject', defaultValue: 'dev-cli' })
  parseSubject(value: string): string {
    return value;
  }

  @Option({ flags: '-e, --expires-in <span>', description: 'lifetime such as 8h or 30m', defaultValue: '8h' })
  parseExpiresIn(value: string): string {
    return value;
  }
}
