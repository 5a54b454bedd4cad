import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Opens a SQLite file in WAL mode, so readers never block the writer. `synchronous` defaults to
 * FULL: a commit is on disk before we acknowledge it (docs/guarantees.md, event store guarantee 5).
 * busy_timeout covers another connection briefly holding the write lock.
 *
 * `journal: "as-found"` leaves the file's journal mode to its writer: a views file being built
 * without a WAL (docs/adr/0017) turns into a WAL file when its build ends, and readers follow.
 */
export function openDatabase(
  file: string,
  synchronous: "FULL" | "NORMAL" = "FULL",
  journal: "wal" | "as-found" = "wal",
): Database.Database {
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  if (journal === "wal") db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma("busy_timeout = 5000");
  db.pragma("foreign_keys = ON");
  return db;
}
