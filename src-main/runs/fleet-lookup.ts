import type { ObjectInfo } from '../../src-shared/contract/intake'
import type { ServerView } from '../../src-shared/contract/servers'

/** What the run service needs to know of the fleet: the servers and their cached /object_info. */
export interface FleetLookup {
  list(): ServerView[]
  objectInfo(serverId: string): ObjectInfo | null
}
