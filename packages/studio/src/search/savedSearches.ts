/** A finder search kept under a name, in this browser (localStorage): the review queue can work through it. */
export interface SavedSearch {
  name: string
  /** The finder's URL parameters. */
  params: string
}

const KEY = 'tapedeck-studio:saved-searches'

export function readSavedSearches(): SavedSearch[] {
  try {
    const list = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown
    return Array.isArray(list) ? list.filter((s): s is SavedSearch => typeof s?.name === 'string' && typeof s?.params === 'string') : []
  } catch {
    return []
  }
}

export function saveSearch(search: SavedSearch): void {
  const list = readSavedSearches().filter((s) => s.name !== search.name)
  localStorage.setItem(KEY, JSON.stringify([...list, search].slice(-50)))
}
