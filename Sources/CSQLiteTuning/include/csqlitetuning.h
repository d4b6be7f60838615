#ifndef CSQLITETUNING_H
#define CSQLITETUNING_H

/// Turns off SQLite's memory statistics (`sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0)`), which
/// take a process-wide mutex around every allocation SQLite makes. Effective only before SQLite
/// initializes (before the process's first connection opens); returns SQLite's result code
/// (SQLITE_OK, or SQLITE_MISUSE when SQLite was already initialized: nothing changed).
/// `sqlite3_config` is variadic, which Swift cannot call: hence this shim.
int csqlite_disable_memory_statistics(void);

#endif
