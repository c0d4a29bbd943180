import type { ScenarioColumn } from '../scenario.js'

/** The integer surrogate key every built-in table has: 1, 2, 3, … */
export function sequenceId(name = 'id'): ScenarioColumn {
  return { name, type: 'integer', generate: { kind: 'sequence' } }
}

/** Rails-style `created_at`: some time in the ten years before the last one. */
export function createdAt(): ScenarioColumn {
  return {
    name: 'created_at',
    type: 'timestamp',
    generate: { kind: 'timestamp', fromDays: -3650, toDays: -400 },
  }
}

/** Rails-style `updated_at`: some time in the last year. */
export function updatedAt(): ScenarioColumn {
  return {
    name: 'updated_at',
    type: 'timestamp',
    generate: { kind: 'timestamp', fromDays: -365, toDays: -1 },
  }
}
