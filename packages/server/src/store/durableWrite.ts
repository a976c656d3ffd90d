import { randomUUID } from 'node:crypto'
import { mkdir, open, rename, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'

/**
 * Writes a file so that it is either absent or complete, even across a crash: the bytes go
 * to a temp file in `tmpDir` (same file system), are fsynced, then renamed into place, and
 * the directory is fsynced so the rename itself survives. `durable: false` skips the fsyncs
 * for files that can be rebuilt.
 */
export async function durableWrite(path: string, data: Uint8Array | string, tmpDir: string, durable = true): Promise<void> {
  const temp = join(tmpDir, `${randomUUID()}.tmp`)
  try {
    const handle = await open(temp, 'wx')
    try {
      await handle.writeFile(data)
      if (durable) await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temp, path)
  } catch (error) {
    await rm(temp, { force: true })
    throw error
  }
  if (durable) await syncDirectory(dirname(path))
}

/** A file written piece by piece to `tmpDir`, then made durable and renamed into place like durableWrite; or discarded. */
export interface DurableFile {
  write(data: string): Promise<void>
  commit(path: string): Promise<void>
  discard(): Promise<void>
}

export async function createDurableFile(tmpDir: string): Promise<DurableFile> {
  const temp = join(tmpDir, `${randomUUID()}.tmp`)
  const handle = await open(temp, 'wx')
  let closed = false
  const close = async () => {
    if (closed) return
    closed = true
    await handle.close()
  }
  return {
    async write(data) {
      await handle.writeFile(data)
    },
    async commit(path) {
      try {
        await handle.sync()
        await close()
        await rename(temp, path)
      } catch (error) {
        await close().catch(() => undefined)
        await rm(temp, { force: true })
        throw error
      }
      await syncDirectory(dirname(path))
    },
    async discard() {
      await close().catch(() => undefined)
      await rm(temp, { force: true })
    },
  }
}

/** mkdir -p that also makes the new directory entries durable. */
export async function durableMkdir(path: string): Promise<void> {
  const first = await mkdir(path, { recursive: true })
  if (first === undefined) return
  for (let dir = path; dir.length >= first.length; dir = dirname(dir)) await syncDirectory(dirname(dir))
}

async function syncDirectory(path: string): Promise<void> {
  let handle
  try {
    handle = await open(path, 'r')
    await handle.sync()
  } catch (error) {
    // Some platforms (Windows) cannot open or fsync a directory; the rename is still atomic there.
    if (!isCode(error, 'EISDIR') && !isCode(error, 'EPERM') && !isCode(error, 'EINVAL')) throw error
  } finally {
    await handle?.close()
  }
}

export function isCode(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code
}
