import { createContext, useContext } from 'react'
import type { StudioClient } from './studioClient'

export const StudioClientContext = createContext<StudioClient | null>(null)

/** The API client of the signed-in tab (inside <App>'s signed-in part). */
export function useStudioClient(): StudioClient {
  const client = useContext(StudioClientContext)
  if (!client) throw new Error('useStudioClient outside a signed-in Studio')
  return client
}
