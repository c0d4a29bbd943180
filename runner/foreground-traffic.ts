import { fork } from 'node:child_process'
import type { TrafficCommand, TrafficJob, TrafficMessage, TrafficStats } from './traffic-protocol.js'

const PROCESS = new URL('./traffic-process.js', import.meta.url)

/**
 * A run's foreground traffic, in a process of its own that lives as long as the run: each iteration
 * begins it on its working copy and stops it, without paying for a new process every time.
 */
export interface TrafficProcess {
  /** Starts the traffic on a working copy, resolving once every stream is sending. */
  begin(working: string): Promise<void>
  /** Ends the traffic of the iteration and returns its latency figures. */
  stop(): Promise<TrafficStats[]>
  /** Ends the traffic process at once (the run is over or being stopped), resolving when it is gone. */
  kill(): Promise<void>
}

/** Starts the traffic process for a run; it sends nothing until `begin`. */
export function startTrafficProcess(job: TrafficJob): TrafficProcess {
  const child = fork(PROCESS, [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  })
  const messages: TrafficMessage[] = []
  let notify: (() => void) | undefined
  child.on('message', (m: TrafficMessage) => {
    messages.push(m)
    notify?.()
  })
  child.on('exit', () => notify?.())
  const next = async (): Promise<TrafficMessage> => {
    while (messages.length === 0) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error('the traffic process ended unexpectedly')
      await new Promise<void>((resolve) => (notify = resolve))
    }
    return messages.shift() as TrafficMessage
  }
  const command = (c: TrafficCommand) => child.send(c)
  child.send(job)
  return {
    begin: async (working) => {
      command({ type: 'begin', working })
      const ready = await next()
      if (ready.type === 'error') throw new Error(`foreground traffic: ${ready.message}`)
    },
    stop: async () => {
      command({ type: 'stop' })
      const result = await next()
      if (result.type !== 'stats')
        throw new Error(`foreground traffic: ${result.type === 'error' ? result.message : 'no figures'}`)
      return result.stats
    },
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const gone = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGKILL')
      await gone
    },
  }
}
