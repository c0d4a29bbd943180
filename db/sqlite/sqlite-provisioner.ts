import fs from 'node:fs'
import path from 'node:path'
import type { DriverSession } from '../connection.js'
import type { CopyMethod, Provisioner } from '../dialect.js'
import type { ClientDetails } from '../client-details.js'
import { DelbenchError } from '../../core/errors.js'
import { openSqliteSession } from './sqlite-driver.js'
import { tryLockFile } from '../lock-file.js'
import { freeBytesAt } from '../free-space.js'
import { SQLITE_EXTENSION } from '../database-url.js'

const EXTENSION = SQLITE_EXTENSION
const SIDE_FILES = ['-wal', '-shm', '-journal']

/**
 * SQLite has no server: delbench's databases are files `<name>.sqlite` in one folder. Files that do not
 * carry delbench's name are never opened, and the folder is never a file of someone else's.
 */
export class SqliteProvisioner implements Provisioner {
  readonly #directory: string
  readonly onThisMachine = true

  constructor(directory: string) {
    this.#directory = directory
  }

  fileOf(name: string): string {
    return path.join(this.#directory, name + EXTENSION)
  }

  async listDatabases(prefix: string): Promise<string[]> {
    let entries: string[]
    try {
      entries = await fs.promises.readdir(this.#directory)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw this.#folderError(error)
    }
    return entries
      .filter((entry) => entry.startsWith(prefix) && entry.endsWith(EXTENSION))
      .map((entry) => entry.slice(0, -EXTENSION.length))
      .sort()
  }

  async createDatabase(name: string): Promise<void> {
    try {
      await fs.promises.mkdir(this.#directory, { recursive: true })
    } catch (error) {
      throw this.#folderError(error)
    }
    try {
      // 'wx' fails if the file exists: an empty file is a valid new SQLite database.
      await (await fs.promises.open(this.fileOf(name), 'wx')).close()
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new DelbenchError(`cannot create ${this.fileOf(name)}: the file exists already`)
      }
      throw this.#folderError(error)
    }
  }

  /** A file copy: the source is closed (its WAL, if any, checkpointed) whenever delbench clones it. */
  async cloneDatabase(source: string, target: string): Promise<CopyMethod> {
    await fs.promises.copyFile(this.fileOf(source), this.fileOf(target), fs.constants.COPYFILE_EXCL)
    const wal = this.fileOf(source) + '-wal'
    if (fs.existsSync(wal))
      await fs.promises.copyFile(wal, this.fileOf(target) + '-wal', fs.constants.COPYFILE_EXCL)
    return 'clone'
  }

  async connect(name: string): Promise<DriverSession> {
    try {
      return openSqliteSession(this.fileOf(name))
    } catch (error) {
      throw new DelbenchError(
        `cannot open SQLite database ${this.fileOf(name)}: ${(error as Error).message}`,
        1,
      )
    }
  }

  clientDetails(name: string): ClientDetails {
    return { driver: 'better-sqlite3', file: path.resolve(this.fileOf(name)) }
  }

  async dropDatabase(name: string): Promise<void> {
    for (const suffix of ['', ...SIDE_FILES]) {
      await fs.promises.rm(this.fileOf(name) + suffix, { force: true })
    }
  }

  async freeBytes(): Promise<number | undefined> {
    return freeBytesAt(this.#directory)
  }

  /** A lock file beside the databases, created exclusively and holding its owner's pid. */
  async tryLock(name: string): Promise<(() => Promise<void>) | undefined> {
    try {
      await fs.promises.mkdir(this.#directory, { recursive: true })
    } catch (error) {
      throw this.#folderError(error)
    }
    return tryLockFile(path.join(this.#directory, `.${name}.lock`))
  }

  async close(): Promise<void> {}

  #folderError(error: unknown): DelbenchError {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOTDIR' || code === 'EEXIST') {
      return new DelbenchError(
        `sqlite:${this.#directory} must be a folder for delbench's database files, and it is a file`,
      )
    }
    if (code === 'EACCES' || code === 'EROFS' || code === 'EPERM') {
      return new DelbenchError(
        `cannot write to ${this.#directory} (${code}): choose another folder with --db sqlite:PATH`,
        1,
      )
    }
    return new DelbenchError(`cannot use folder ${this.#directory}: ${(error as Error).message}`, 1)
  }
}
