import { Help } from 'commander'
import { describe, expect, it } from 'vitest'
import { COMMAND_DESCRIPTIONS, COMMAND_LOADERS, COMMAND_TERMS, isCommandName } from '../cli/command-index.js'

describe('the command index --help lists without loading the commands', () => {
  it.each(Object.keys(COMMAND_DESCRIPTIONS))(
    '%s: name, description and usage as its module builds them',
    async (name) => {
      if (!isCommandName(name)) throw new Error(`${name} is not in the index`)
      const command = await COMMAND_LOADERS[name]()
      expect(command.name()).toBe(name)
      expect(command.description()).toBe(COMMAND_DESCRIPTIONS[name])
      expect(COMMAND_TERMS[name]).toBe(new Help().subcommandTerm(command))
    },
  )
})
