import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Certificates, ComplianceRecordsModule, verifyCertificate } from '@app/compliance';
import { CryptoShreddingModule, cryptoShreddingOptions } from '@app/crypto-shredding';
import { AppConfig } from '@app/platform';
import { Inject } from '@nestjs/common';
import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { withAppContext } from './app-context';

interface VerifyOptions {
  key?: string;
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${what} ${JSON.stringify(path)} (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error });
  }
}

/** A certificate as served: the object itself, or a route's answer `{certificate}` saved whole. */
function certificateIn(text: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null; // verifyCertificate calls it malformed
  }
  const only = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? Object.keys(parsed) : [];
  return only.length === 1 && only[0] === 'certificate' ? (parsed as { certificate: unknown }).certificate : parsed;
}

@SubCommand({
  name: 'verify',
  arguments: '<file>',
  description: "check a certificate's signature (and its irrecoverability attestation) offline; prints valid or invalid: <reason>",
})
export class CertificateVerifyCommand extends CommandRunner {
  constructor(@Inject(AppConfig) private readonly config: AppConfig) {
    super();
  }

  async run([file]: string[], options: VerifyOptions): Promise<void> {
    const certificate = certificateIn(await readText(file, 'the certificate file'));
    const pems = options.key !== undefined ? [await readText(options.key, 'the public key file')] : await this.publicKeysOfTheDatabase();
    const verdict = verifyCertificate(certificate, pems);
    if (verdict.valid) {
      process.stdout.write(verdict.irrecoverable ? 'valid, irrecoverable\n' : 'valid\n');
    } else {
      process.stdout.write(`invalid: ${verdict.reason}\n`);
      process.exitCode = 1;
    }
  }

  /** The signing key of the deployment this CLI is configured for; without one, the caller must bring the key. */
  private async publicKeysOfTheDatabase(): Promise<string[]> {
    const running = existsSync(join(this.config.DATA_DIR, 'pg', 'postmaster.pid'));
    if (!this.config.DATABASE_URL && !running) {
      throw new Error('--key <pem file> is required: no database is configured (DATABASE_URL, or a running service in DATA_DIR) to read the public keys from');
    }
    const keys = await withAppContext(this.config, [CryptoShreddingModule.forRoot(cryptoShreddingOptions(this.config)), ComplianceRecordsModule], async (app) =>
      app.get(Certificates).publicKeys(),
    );
    return keys.map((key) => key.pem);
  }

  @Option({ flags: '--key <pem file>', description: 'the signing public key (GET /v1/compliance/public-keys); default: the keys of the configured deployment' })
  parseKey(value: string): string {
    return value;
  }
}

@Command({ name: 'certificate', description: 'certificates of erasure', subCommands: [CertificateVerifyCommand] })
export class CertificateCommand extends CommandRunner {
  async run(): Promise<void> {
    throw new Error("certificate needs a subcommand: 'verify <file>'");
  }
}
