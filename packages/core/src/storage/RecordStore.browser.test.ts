import { describeRecordStoreContract } from '../../test/recordStoreContract'
import { uniqueDb } from '../../test/browser'
import { createIdbStore, openDatabase } from './idbStore'
import { createMemoryStore } from './memoryStore'

describeRecordStoreContract('memoryStore', async () => createMemoryStore())
describeRecordStoreContract('idbStore', async () => createIdbStore(await openDatabase(uniqueDb())))
