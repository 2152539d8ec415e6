import { describe, expect, it } from '@jest/globals';
import { DEVELOPMENT_JWT_SECRET } from '@app/platform';
import { jwtVerify } from 'jose';
import { builtEntry, cleanEnv, runToEnd } from '../support/processes';

const cli = (...args: string[]) => runToEnd([builtEntry('cli'), ...args], cleanEnv({}));

const verify = async (token: string) => (await jwtVerify(token.trim(), new TextEncoder().encode(DEVELOPMENT_JWT_SECRET))).payload;

describe('cli token', () => {
  it('prints a development token carrying the requested roles and controllers', async () => {
    const result = cli('token', '--role', 'analyst', '--controller', 'c1');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const { payload, protectedHeader } = await jwtVerify(result.stdout.trim(), new TextEncoder().encode(DEVELOPMENT_JWT_SECRET));
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload).toMatchObject({ roles: ['analyst'], controllers: ['c1'], sub: 'dev-cli' });
    expect(payload).not.toHaveProperty('sellerId');
    expect(payload.exp! - payload.iat!).toBe(8 * 3600);
  });

  it('puts --seller in the sellerId claim of a seller token (the role defaults to seller)', async () => {
    const result = cli('token', '--seller', 's-17.a_B', '--controller', 'c1', '--expires-in', '30m');
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    const payload = await verify(result.stdout);
    expect(payload).toMatchObject({ roles: ['seller'], controllers: ['c1'], sellerId: 's-17.a_B' });
    expect(payload.exp! - payload.iat!).toBe(30 * 60);
  });

  // What `TOKEN=$(campaign-ledger token ...)` needs: nothing on stdout, one line on stderr, exit 1.
  it.each([
    ['an unknown role', ['token', '--role', 'root'], 'unknown role "root"; roles are service, seller, analyst, compliance, admin'],
    ['a lifetime jose cannot read', ['token', '--expires-in', 'forever'], '--expires-in must be a lifetime such as 30m, 8h or 7d (s, m, h, d or w), not "forever"'],
    ['a malformed seller id', ['token', '--seller', 'seller 17'], `--seller must be 1 to 64 letters, digits, '.', '_' or '-', not "seller 17"`],
    ['a seller id of 65 characters', ['token', '--seller', 's'.repeat(65)], '--seller must be 1 to 64 letters'],
    ['--seller without the seller role', ['token', '--seller', 's-17', '--role', 'admin'], '--seller is for seller tokens: add --role seller'],
    ['a seller token without --seller', ['token', '--role', 'seller'], 'a seller token needs --seller <id>'],
    ['an unknown option', ['token', '--bogus'], "unknown option '--bogus'"],
    ['an unknown command', ['frobnicate'], "unknown command 'frobnicate'"],
    ['a near miss of a command', ['toke'], "unknown command 'toke' (Did you mean token?)"],
    ['no command at all', [], "a command is required; 'campaign-ledger --help' lists them"],
  ])('refuses %s with one line on stderr and exit code 1', (_, args, message) => {
    const result = cli(...args);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^campaign-ledger: /);
    expect(lines[0]).toContain(message);
  });

  it('--help exits 0 with the usage of campaign-ledger, the token command and examples of it', () => {
    const result = cli('--help');
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^Usage: campaign-ledger \[options\] \[command\]/);
    expect(result.stdout).toMatch(/\n {2}token \[options\] +Print a signed development token/);
    expect(result.stdout).toContain('campaign-ledger token --seller s-17 --controller c1 --expires-in 30m');

    const token = cli('token', '--help');
    expect({ code: token.code, stderr: token.stderr }).toEqual({ code: 0, stderr: '' });
    expect(token.stdout).toMatch(/^Usage: campaign-ledger token \[options\]/);
    for (const option of ['--role <role>', '--controller <id>', '--seller <id>', '--subject <sub>', '--expires-in <span>']) expect(token.stdout).toContain(option);
  });
});
