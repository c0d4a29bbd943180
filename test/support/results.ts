import fs from 'node:fs'
import path from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import type { ResultsDocument } from '../../core/results-schema.js'

const SCHEMA = JSON.parse(
  fs.readFileSync(path.resolve(import.meta.dirname, '../../reports/results.schema.json'), 'utf8'),
) as object
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(SCHEMA)

/** Reads a results file and checks it against the published JSON Schema. */
export function readValidResults(file: string): ResultsDocument {
  const document = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown
  if (!validate(document))
    throw new Error(
      `${file} does not match results.schema.json: ${JSON.stringify(validate.errors?.slice(0, 3))}`,
    )
  return document as ResultsDocument
}
