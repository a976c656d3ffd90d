import { toSearchParams } from '@tapedeck/core/read'
import { credentials } from '../auth/credentials'
import { overviewQuery } from '../pages/overviewQuery'
import { parseRoute } from '../routing/useRoute'
import { apiBase } from './apiBase'
import { prefetch } from './prefetched'

/**
 * Opened at the Overview with a key in the tab (a reload, a link): its statistics request starts
 * before the app's code (React, the pages, the charts) has loaded, and the page's query takes its
 * answer (api/prefetched). The URL is the one core's read client builds for the same query.
 */
export function startOverviewStats(hash = location.hash, base = apiBase()): void {
  const auth = credentials.get()
  const route = parseRoute(hash)
  if (auth?.kind !== 'key' || (route.path[0] ?? 'overview') !== 'overview') return
  const { stats } = overviewQuery(route.params)
  prefetch(`${base}/v1/stats?${toSearchParams({ ...stats, groupBy: stats.groupBy.join(',') })}`, auth.token)
}
