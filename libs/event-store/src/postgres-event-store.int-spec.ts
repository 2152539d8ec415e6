import { openEventStoreDatabase } from '../../../test/support/event-store-database';
import { describeEventStoreContract } from './testing/event-store.contract';

describeEventStoreContract('PostgreSQL', async () => {
  const { kit, close } = await openEventStoreDatabase({ pollIntervalMs: 50 });
  return { store: kit.store, teardown: close };
});
