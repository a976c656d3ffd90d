import { startOverviewStats } from './api/startOverviewStats'
import './studio.css'

// The entry is small on purpose: the Overview's statistics request starts here, then the app's
// code (React, the pages, the charts) loads and evaluates while the server works on it.
startOverviewStats()
void import('./mountStudio').then(({ mountStudio }) => mountStudio(document.getElementById('root')!))
