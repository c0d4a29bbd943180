import { fork } from 'node:child_process'
import type { TrafficJob, TrafficMessage, TrafficStats } from './traffic-protocol.js'

const PROCESS = new URL('./traffic-process.js', import.meta.url)

/** Traffic running beside a deletion; `stop()` ends it and returns its latency figures. */
export interface RunningTraffic {
  stop(): Promise<TrafficStats[]>
  /** Ends the traffic process at once (the run is being stopped), resolving when it is gone. */
  kill(): Promise<void>
}

/** Starts the scenario's foreground traffic in its own process, resolving once it is sending. */
export async function startTraffic(job: TrafficJob): Promise<RunningTraffic> {
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
      if (child.exitCode !== null) throw new Error('the traffic process ended unexpectedly')
      await new Promise<void>((resolve) => (notify = resolve))
    }
    return messages.shift() as TrafficMessage
  }
  child.send(job)
  const ready = await next()
  if (ready.type === 'error') throw new Error(`foreground traffic: ${ready.message}`)
  return {
    stop: async () => {
      child.send({ type: 'stop' })
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
