import type { CallbackSpec } from '../scenarios/scenario.js'

export type SignalKind = 'pre_delete' | 'post_delete'

/** A receiver as an ORM has it: called with the signal and the object being deleted. */
export type Receiver = (kind: SignalKind, table: string, row: Readonly<Record<string, unknown>>) => void

/**
 * The scenario's signal receivers, per table, as an ORM dispatches them: each send calls every receiver
 * of that table in turn. The receivers do what a light receiver does (read the object); what matters is
 * that the strategy pays for holding the objects and dispatching per object.
 */
export class SignalBus {
  readonly #receivers = new Map<string, Receiver[]>()
  #sent = 0
  #delivered = 0

  constructor(callbacks: readonly CallbackSpec[]) {
    for (const cb of callbacks) {
      if (cb.kind !== 'signal') continue
      const list = this.#receivers.get(cb.table) ?? []
      for (let i = 0; i < cb.receivers; i++) list.push((_kind, _table, row) => void Object.keys(row).length)
      this.#receivers.set(cb.table, list)
    }
  }

  /** Whether deleting rows of this table sends signals (so an ORM must load them first). */
  has(table: string): boolean {
    return (this.#receivers.get(table)?.length ?? 0) > 0
  }

  send(kind: SignalKind, table: string, row: Readonly<Record<string, unknown>>): void {
    const receivers = this.#receivers.get(table)
    if (!receivers || receivers.length === 0) return
    this.#sent++
    for (const receiver of receivers) {
      receiver(kind, table, row)
      this.#delivered++
    }
  }

  /** Signals sent, and deliveries to receivers. */
  counts(): { readonly sent: number; readonly delivered: number } {
    return { sent: this.#sent, delivered: this.#delivered }
  }
}
