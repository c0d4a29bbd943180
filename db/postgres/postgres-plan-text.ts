/**
 * What PostgreSQL's text plans say about a statement's costly steps: nested loops whose inner side
 * reads a table whole, sorts spilled to disk, and the foreign-key triggers EXPLAIN ANALYZE timed.
 * Pure, so it is tested on fixed plans.
 */
import type { DiskSort, NestedLoopScan } from '../query-plans.js'

/** One step of a plan and the detail lines printed under it (Filter, Sort Key, …). */
interface PlanNode {
  readonly indent: number
  readonly line: string
  readonly details: string[]
  readonly children: PlanNode[]
}

/** Steps start a line or follow `->`; the lines under a step are its details. */
function planTree(text: string): PlanNode | undefined {
  let root: PlanNode | undefined
  const stack: PlanNode[] = []
  for (const raw of text.split('\n')) {
    const arrow = raw.indexOf('->')
    const isStep = root === undefined || (arrow >= 0 && raw.slice(0, arrow).trim() === '')
    if (!isStep) {
      // Trailer lines (Planning Time, Trigger …) sit at the left margin, outside every step.
      if (/^\S/.test(raw)) stack.length = 0
      stack.at(-1)?.details.push(raw.trim())
      continue
    }
    const node: PlanNode = {
      indent: root === undefined ? 0 : arrow,
      line: (root === undefined ? raw : raw.slice(arrow + 2)).trim(),
      details: [],
      children: [],
    }
    while (stack.length > 0 && (stack.at(-1) as PlanNode).indent >= node.indent && root !== undefined)
      stack.pop()
    stack.at(-1)?.children.push(node)
    root ??= node
    stack.push(node)
  }
  return root
}

function* walk(node: PlanNode): Generator<PlanNode> {
  yield node
  for (const child of node.children) yield* walk(child)
}

const scannedTable = (node: PlanNode) => /^(?:Parallel )?Seq Scan on ("[^"]+"|\S+)/.exec(node.line)?.[1]
const unquote = (name: string) => name.replace(/"/g, '')
const conditions = (node: PlanNode) =>
  node.details.filter((d) => /^(Join )?Filter:/.test(d)).map((d) => d.replace(/^(Join )?Filter:\s*/, ''))

/** Nested loops whose inner side (their second input) reads a table whole, with what it filters by. */
export function nestedLoopScans(text: string): NestedLoopScan[] {
  const root = planTree(text)
  if (!root) return []
  const found: NestedLoopScan[] = []
  for (const loop of walk(root)) {
    if (!/^Nested Loop/.test(loop.line)) continue
    const inner = loop.children[1]
    if (!inner) continue
    for (const step of walk(inner)) {
      const table = scannedTable(step)
      if (table)
        found.push({
          table: unquote(table),
          condition: [...conditions(loop), ...conditions(step)].join(' AND '),
        })
    }
  }
  return found
}

/** Sorts PostgreSQL reports as spilled (`Sort Method: external …  Disk: NkB`). */
export function diskSorts(text: string): DiskSort[] {
  const root = planTree(text)
  if (!root) return []
  const found: DiskSort[] = []
  for (const sort of walk(root)) {
    const method = sort.details.map((d) => /^Sort Method: external .*Disk: (\d+)kB/.exec(d)).find(Boolean)
    if (!method) continue
    const key = sort.details.map((d) => /^Sort Key: (.*)$/.exec(d)?.[1]).find((k) => k !== undefined)
    const scanned = [...walk(sort)].map(scannedTable).find((t) => t !== undefined)
    found.push({
      table: scanned ? unquote(scanned) : null,
      // `t.created_at DESC` → `created_at DESC`: the index is named by column.
      key: (key ?? '').replace(/(?:"[^"]+"|\w+)\./g, '').replace(/"/g, ''),
      diskKb: Number(method[1]),
    })
  }
  return found
}

/** The constraint triggers of an analyzed plan: name and time (`Trigger … for constraint X on t: time=… calls=…`). */
export function triggerTimes(text: string): { constraint: string; ms: number; calls: number }[] {
  return [
    ...text.matchAll(
      /^Trigger (?:\S+ )?for constraint ("[^"]+"|\S+)(?: on \S+)?: time=([\d.]+) calls=(\d+)/gm,
    ),
  ].map((m) => ({ constraint: unquote(m[1] ?? ''), ms: Number(m[2]), calls: Number(m[3]) }))
}

/** The statement's execution time as EXPLAIN ANALYZE reports it, ms. */
export function executionMs(text: string): number | undefined {
  const m = /^Execution Time: ([\d.]+) ms/m.exec(text)
  return m ? Number(m[1]) : undefined
}
