import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * A views file built without a WAL (docs/adr/0017) is whole only once its build has ended and
 * reached the disk. Until then a marker sits beside it: a file found with its marker was cut short
 * by a crash and may be torn, so it is removed and built again from the first event. The views
 * are derived data: what a crash costs is the build's time.
 */
export const buildMarkerOf = (file: string): string => `${file}-building`;

/**
 * True when `file` is to be built from nothing: it does not exist, or its last build was cut
 * short (its files are then removed here). The marker is on disk before the file is created.
 */
export function beginBuild(file: string): boolean {
  const marker = buildMarkerOf(file);
  mkdirSync(dirname(file), { recursive: true });
  if (existsSync(marker)) {
    removeDatabaseFiles(file);
    return true;
  }
  // Where a directory cannot be synced (Windows), a power cut could lose the marker and keep a
  // torn file: there the file is built in WAL mode, as any other.
  if (existsSync(file) || !syncDirectory(dirname(file))) return false;
  writeFileSync(marker, "a views file is being built; if this file outlives the build, the views file is removed and built again\n");
  const fd = openSync(marker, "r+");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return syncDirectory(dirname(file));
}

/** Removes a SQLite file and the journal, WAL and shared-memory files SQLite keeps beside it. */
export function removeDatabaseFiles(file: string): void {
  for (const suffix of ["", "-journal", "-wal", "-shm"]) rmSync(`${file}${suffix}`, { force: true });
}

/** Once the built file is on disk (SqliteProjectionStore.finishBuild): the marker goes, durably. */
export function endBuild(file: string): void {
  rmSync(buildMarkerOf(file), { force: true });
  syncDirectory(dirname(file));
}

/**
 * False where the platform cannot fsync a directory (Windows cannot open one this way). Only
 * directories and the marker are opened here, never the views file: closing a descriptor of a
 * file releases every POSIX lock the process holds on it, SQLite's included.
 */
function syncDirectory(directory: string): boolean {
  try {
    const fd = openSync(directory, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return true;
  } catch {
    return false;
  }
}
