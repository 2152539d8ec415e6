import { AppConfig, isRole, issueToken, type Role, ROLES } from '@app/platform';
import { Inject } from '@nestjs/common';
import { Command, CommandRunner, Option } from 'nest-commander';

interface TokenOptions {
  role?: string[];
  controller?: string[];
  subject: string;
  expiresIn: string;
  seller?: string;
}

const SELLER_ID = /^[A-Za-z0-9._-]{1,64}$/;
/** A subset of what jose accepts, in the units an operator means. */
const LIFETIME = /^[1-9]\d*(s|m|h|d|w)$/;

const quoted = (value: string) => JSON.stringify(value.slice(0, 64));

@Command({
  name: 'token',
  description: 'Print a signed development token on stdout (HS256 with JWT_SECRET, or the development default outside production)',
})
export class TokenCommand extends CommandRunner {
  constructor(@Inject(AppConfig) private readonly config: AppConfig) {
    super();
  }

  async run(_: string[], options: TokenOptions): Promise<void> {
    const roles = options.role ?? (options.seller === undefined ? ['admin'] : ['seller']);
    const unknown = roles.filter((role) => !isRole(role));
    if (unknown.length > 0) throw new Error(`unknown role "${unknown.join('", "')}"; roles are ${ROLES.join(', ')}`);
    if (!LIFETIME.test(options.expiresIn)) {
      throw new Error(`--expires-in must be a lifetime such as 30m, 8h or 7d (s, m, h, d or w), not ${quoted(options.expiresIn)}`);
    }
    if (options.seller !== undefined) {
      if (!SELLER_ID.test(options.seller)) throw new Error(`--seller must be 1 to 64 letters, digits, '.', '_' or '-', not ${quoted(options.seller)}`);
      if (!roles.includes('seller')) throw new Error('--seller is for seller tokens: add --role seller');
    } else if (roles.includes('seller')) {
      throw new Error('a seller token needs --seller <id>: sellers act only as themselves');
    }
    const token = await issueToken(this.config, {
      subject: options.subject,
      roles: roles as Role[],
      controllers: options.controller?.length ? options.controller : ['*'],
      expiresIn: options.expiresIn,
      sellerId: options.seller,
    });
    process.stdout.write(`${token}\n`);
  }

  @Option({ flags: '-r, --role <role>', description: `role to grant, repeatable (${ROLES.join(', ')}); default admin, or seller with --seller` })
  parseRole(value: string, previous: string[] = []): string[] {
    return [...previous, value];
  }

  @Option({ flags: '-c, --controller <id>', description: 'controller id in scope, repeatable; default * (all)' })
  parseController(value: string, previous: string[] = []): string[] {
    return [...previous, value];
  }

  @Option({ flags: '--seller <id>', description: "the seller a seller token acts as (its sellerId claim; letters, digits, '.', '_', '-', up to 64)" })
  parseSeller(value: string): string {
    return value;
  }

  @Option({ flags: '-s, --subject <sub>', description: 'token subject, an opaque id (never an e-mail or a name)', defaultValue: 'dev-cli' })
  parseSubject(value: string): string {
    return value;
  }

  @Option({ flags: '-e, --expires-in <span>', description: 'lifetime: a number and s, m, h, d or w, such as 30m or 7d', defaultValue: '8h' })
  parseExpiresIn(value: string): string {
    return value;
  }
}
