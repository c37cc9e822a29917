export { openCache, type Cache } from './cache'
export {
  DB_FILENAME,
  closeDatabase,
  DatabaseMigrationError,
  isDatabaseMigrationError,
  openDatabase,
  type CacheDatabase,
} from './db'
export { InvalidHistoryQueryError } from './history-cursor'
export { DEFAULT_PAGE_SIZE, searchHistory } from './history-search'
export { ImageError, ImageStore, THUMB_SIZE } from './image-store'
export { RunRepository } from './run-repository'
