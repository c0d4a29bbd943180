/** What a client's memory figures take in where the database is a server of its own. */
export const SERVER_MEMORY_NOTE = 'client process only; the server’s memory is its own'
