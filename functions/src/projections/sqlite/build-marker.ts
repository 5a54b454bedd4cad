import { closeSync, existsSync, fsync, fsyncSync, mkdirSync, openSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * A views file built without a WAL (docs/adr/0017) is whole only once its build has ended and
 * reached the disk. Until then a marker sits beside it: a file found with its marker was cut short
 * by a crash and may be torn, so it is removed and built again from the first event. The views
 * are derived data: what a crash costs is the build's time, never a wrong view.
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
    for (const suffix of ["", "-journal", "-wal", "-shm"]) rmSync(`${file}${suffix}`, { force: true });
    return true;
  }
  // Where a directory cannot be synced (Windows), a power cut could lose the marker and keep a
  // torn file: there the file is built in WAL mode, as any other.
  if (existsSync(file) || !syncDirectory(dirname(file))) return false;
  writeFileSync(marker, "a views file is being built; if this file outlives the build, the views file is removed and built again\n");
  syncPath(marker, "r+");
  return syncDirectory(dirname(file));
}

/**
 * A descriptor of the file being built, to sync it through: fsync flushes every written page of
 * the file, whichever descriptor wrote it (SQLite's, here). The same descriptor for every sync
 * of a build, so that a write error reported to one of them cannot be missed by the last.
 */
export class BuildSyncs {
  private readonly fd: number;
  private inFlight = false;
  private closeWhenIdle = false;
  private failure: Error | undefined;

  constructor(private readonly file: string) {
    this.fd = openSync(file, "r+");
  }

  /**
   * Starts an fsync on libuv's thread pool unless one is running: the disk catches up while the
   * build goes on, and the last sync, in end(), has little left to write.
   */
  syncInBackground(): void {
    if (this.inFlight || this.closeWhenIdle) return;
    this.inFlight = true;
    fsync(this.fd, (error) => {
      this.inFlight = false;
      if (error) this.failure ??= error;
      if (this.closeWhenIdle) closeSync(this.fd);
    });
  }

  /** After the build's last commit: every page on disk, then the marker goes. */
  end(): void {
    if (this.failure)
      throw new Error(`a sync of ${this.file} failed during its build; it is built again at the next start`, { cause: this.failure });
    fsyncSync(this.fd);
    this.close();
    rmSync(buildMarkerOf(this.file), { force: true });
    syncDirectory(dirname(this.file));
  }

  /** Closes the descriptor, once a background sync in flight is done with it. */
  close(): void {
    if (this.closeWhenIdle) return;
    this.closeWhenIdle = true;
    if (!this.inFlight) closeSync(this.fd);
  }
}

function syncPath(path: string, flags: string): void {
  const fd = openSync(path, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** False where the platform cannot fsync a directory (Windows cannot open one this way). */
function syncDirectory(directory: string): boolean {
  try {
    syncPath(directory, "r");
    return true;
  } catch {
    return false;
  }
}
