import 'reflect-metadata';
import { runHost, serveOrClose } from '@app/platform';
import { Logger } from 'nestjs-pino';
import { ENTITIES, MIGRATIONS } from '../../migrations';
import { createApiApp } from './api.app';

const withWorker = process.argv.includes('--with-worker');

void runHost(withWorker ? 'api+worker' : 'api', async ({ config, databaseUrl }) => {
  const app = await createApiApp({
    config,
    database: { url: databaseUrl, migrations: MIGRATIONS, entities: ENTITIES, applicationName: 'campaign-ledger-api' },
    withWorker,
  });
  return serveOrClose(app, async () => {
    await app.listen(config.PORT);
    app.get(Logger).log(`listening on http://localhost:${config.PORT} (docs at /docs)${withWorker ? ' with the worker in-process' : ''}`);
  });
}, { http: true });
