import { AccountEntity } from './entities/account.entity.js';
import { ApiKeyEntity } from './entities/api-key.entity.js';
import { SessionEntity } from './entities/session.entity.js';
import { AccessSchema1764100000000 } from './migrations/1764100000000-access-schema.migration.js';
import { AccessActor1764100000001 } from './migrations/1764100000001-access-actor.migration.js';

/** Add these to the host's DataSource (schema changes only through the migrations). */
export const ACCESS_ENTITIES = [AccountEntity, SessionEntity, ApiKeyEntity];
export const ACCESS_MIGRATIONS = [AccessSchema1764100000000, AccessActor1764100000001];
