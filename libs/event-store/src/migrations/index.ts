import { CreateEventStore1764460800000 } from './1764460800000-create-event-store.migration';

export const eventStoreMigrations = [CreateEventStore1764460800000];
