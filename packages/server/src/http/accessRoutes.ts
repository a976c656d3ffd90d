import type { AccessInfo } from '@tapedeck/core'
import type { RequestContext } from './requestContext.js'
import { json } from './responses.js'

/** GET /v1/access: the kind of key sent, or the session a share token reads. */
export async function getAccess({ caller }: RequestContext): Promise<Response> {
  // An ingest key never gets here: the route takes read access.
  const body: AccessInfo = { kind: (caller?.kind ?? 'open') as AccessInfo['kind'] }
  if (caller?.share) Object.assign(body, caller.share)
  return json(200, body)
}
