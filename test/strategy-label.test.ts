import { describe, expect, it } from 'vitest'
import { strategyLabel } from '../core/strategy-label.js'

const options = { sleepMs: 0, batchSize: 500, workers: 4 }

describe('strategyLabel', () => {
  it('shows every option in the order the run recorded them', () => {
    expect(strategyLabel('batched', options)).toBe('batched (sleepMs=0 batchSize=500 workers=4)')
  })

  it('is the bare strategy name when no option is shown', () => {
    expect(strategyLabel('per-row', {})).toBe('per-row')
    expect(strategyLabel('batched', options, { only: [] })).toBe('batched')
    expect(strategyLabel('batched', options, { only: ['unread'] })).toBe('batched')
  })

  it('shows only the options named, in the run’s order', () => {
    expect(strategyLabel('batched', options, { only: ['workers', 'sleepMs'] })).toBe(
      'batched (sleepMs=0 workers=4)',
    )
  })

  it('takes the options to show as a set too', () => {
    expect(strategyLabel('batched', options, { only: new Set(['batchSize']) })).toBe(
      'batched (batchSize=500)',
    )
  })

  it('sorts options by name when asked', () => {
    expect(strategyLabel('batched', options, { sorted: true })).toBe(
      'batched (batchSize=500 sleepMs=0 workers=4)',
    )
  })

  it('writes a compact name for dashboards', () => {
    expect(strategyLabel('batched', { dryRun: true, mode: 'fast' }, { sorted: true, compact: true })).toBe(
      'batched(dryRun=true,mode=fast)',
    )
  })
})
