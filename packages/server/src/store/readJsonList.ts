import { readFile } from 'node:fs/promises'
import { isCode } from './durableWrite.js'

/** A JSON array file the store wrote whole (durableWrite); [] when it does not exist. */
export async function readJsonList<T>(path: string): Promise<T[]> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if (isCode(error, 'ENOENT')) return []
    throw error
  }
  const list: unknown = JSON.parse(text)
  return Array.isArray(list) ? (list as T[]) : []
}
