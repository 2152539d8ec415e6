import { AppConfig, issueToken, type Role, ROLES } from '@app/platform';
import { Inject } from '@nestjs/common';
import { Command, CommandRunner, Option } from 'nest-commander';

interface TokenOptions {
  role: Role[];
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
    const token = await issueToken(this.config, {
      subject: options.subject,
      roles: options.role.length > 0 ? options.role : ['admin'],
      controllers: options.controller.length > 0 ? options.controller : ['*'],
      expiresIn: options.expiresIn,
    });
    process.stdout.write(`${token}\n`);
  }

  @Option({ flags: '-r, --role <role>', description: `role to grant, repeatable (${ROLES.join(', ')}); default admin` })
  parseRole(value: string, previous: Role[] = []): Role[] {
    if (!(ROLES as readonly string[]).includes(value)) throw new Error(`unknown role "${value}"; one of ${ROLES.join(', ')}`);
    return [...previous, value as Role];
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
