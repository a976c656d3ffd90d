import { describe, expect, it } from 'vitest'
import { formatPercent } from '../format'
import { columnSummary } from './ColumnChart'

describe('columnSummary (a column chart’s accessible name)', () => {
  const days = ['12-01', '12-02', '12-03']

  it('labels amounts with their highest value and their sum', () => {
    expect(columnSummary(days, [{ name: 'Sessions', values: [3, null, 5], color: 'red' }], String)).toBe('Sessions over 3 periods, highest 5, sum 8')
  })

  it('never sums rates: it names the lowest and highest of the periods with data', () => {
    const label = columnSummary(days, [{ name: 'polite', values: [1, 0.5, null], color: 'red' }], formatPercent, 'rate')
    expect(label).not.toMatch(/sum/)
    expect(label).toBe(`polite over 3 periods (2 with data), highest ${formatPercent(1)}, lowest ${formatPercent(0.5)}`)
    expect(columnSummary(days, [{ name: 'polite', values: [null, null, null], color: 'red' }], formatPercent, 'rate')).toBe('polite over 3 periods, no data')
  })
})
