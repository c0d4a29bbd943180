import type { DriverSession } from './connection.js'
import { InstrumentedConnection, type SqlLogger } from './instrumented-connection.js'

/** A connection opened on first use and shared after that; a failed attempt is retried next time. */
export class LazyConnection {
  readonly #open: () => Promise<DriverSession>
  readonly #logger: SqlLogger | undefined
  #connection: Promise<InstrumentedConnection> | undefined

  constructor(open: () => Promise<DriverSession>, logger?: SqlLogger) {
    this.#open = open
    this.#logger = logger
  }

  get(): Promise<InstrumentedConnection> {
    if (!this.#connection) {
      const opening = this.#open().then((session) => new InstrumentedConnection(session, this.#logger))
      opening.catch(() => {
        if (this.#connection === opening) this.#connection = undefined
      })
      this.#connection = opening
    }
    return this.#connection
  }

  async close(): Promise<void> {
    const opening = this.#connection
    this.#connection = undefined
    if (opening) await (await opening.catch(() => undefined))?.close()
  }
}
