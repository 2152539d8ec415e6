import { rm } from 'node:fs/promises';
import type { EmbeddedPostgres } from '@app/platform';

export default async function globalTeardown(): Promise<void> {
  const embedded = (globalThis as { __embeddedPostgres__?: { server: EmbeddedPostgres; dataDir: string } }).__embeddedPostgres__;
  if (!embedded) return;
  await embedded.server.stop();
  await rm(embedded.dataDir, { recursive: true, force: true });
}
