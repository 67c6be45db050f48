import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';

/**
 * The sandbox's own state (executions, event deliveries, dead letters, mail) kept under DATA_DIR, one JSON
 * record a line. Appends are synchronous: once a call that wrote returns, its record survives the process
 * being killed (it is in the kernel's hands), so nothing acknowledged to a client is lost with the sandbox.
 * Not fsync'ed: a crash of the machine itself may lose the last records, as it may DynamoDB Local's. The file
 * stays open between appends (a write, where opening and closing it each time cost three times as much) until
 * close(), rewrite() or remove().
 */
export class JsonLines<T> {
  private fd: number | undefined;

  constructor(readonly file: string) {
    mkdirSync(path.dirname(file), { recursive: true });
  }

  /**
   * The records in the file, in order. A line the process was killed while writing (the file's tail after
   * its last newline) is cut off first, so that the next append starts a line of its own.
   */
  read(): T[] {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const end = text.lastIndexOf('\n') + 1;
    if (end < text.length) truncateSync(this.file, Buffer.byteLength(text.slice(0, end)));
    const records: T[] = [];
    for (const line of text.slice(0, end).split('\n')) {
      if (line === '') continue;
      try {
        records.push(JSON.parse(line) as T);
      } catch {
        // A line mangled otherwise than cut short: skipped, the rest still counts.
      }
    }
    return records;
  }

  append(...records: T[]): void {
    if (records.length === 0) return;
    const data = Buffer.from(records.map((record) => `${JSON.stringify(record)}\n`).join(''));
    this.fd ??= openSync(this.file, 'a');
    for (let written = 0; written < data.length; ) written += writeSync(this.fd, data, written);
  }

  /** Lets the file go until the next append (an execution that has closed appends no more). */
  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  /** Replaces the whole file at once: written beside it, then renamed over it. */
  rewrite(records: T[]): void {
    this.close();
    const aside = `${this.file}.${process.pid}.tmp`;
    writeFileSync(aside, records.map((record) => `${JSON.stringify(record)}\n`).join(''));
    renameSync(aside, this.file);
  }

  /** Size on disk in bytes (0 when absent). */
  size(): number {
    try {
      return statSync(this.file).size;
    } catch {
      return 0;
    }
  }

  remove(): void {
    this.close();
    rmSync(this.file, { force: true });
  }
}

/** The `.jsonl` files of a folder (created if absent), leftovers of an interrupted rewrite removed. */
export const journalFiles = (dir: string): string[] => {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name.endsWith('.tmp')) rmSync(path.join(dir, name), { force: true });
    else if (name.endsWith('.jsonl')) files.push(path.join(dir, name));
  }
  return files;
};

/**
 * A list of the newest records (mail, dead letters), kept in memory and, with a file, on disk: appended as
 * they come, at most `max` of them kept (older ones dropped), the file compacted once it holds twice that.
 */
export class RetainedList<T> {
  private items: T[] = [];
  private readonly journal: JsonLines<T> | undefined;
  /** Records in the file. */
  private written = 0;

  constructor(
    private readonly max: number,
    file?: string,
  ) {
    if (!file) return;
    this.journal = new JsonLines<T>(file);
    const stored = this.journal.read();
    this.written = stored.length;
    this.items = stored.slice(-max);
    if (this.written > this.items.length) this.compact();
  }

  all(): T[] {
    return [...this.items];
  }

  get length(): number {
    return this.items.length;
  }

  push(item: T): void {
    this.journal?.append(item);
    this.written++;
    this.items.push(item);
    if (this.items.length > this.max) this.items.splice(0, this.items.length - this.max);
    if (this.written >= 2 * this.max) this.compact();
  }

  /** Keeps the records `keep` accepts (all gone without one); returns how many went. */
  remove(keep: (item: T) => boolean = () => false): number {
    const before = this.items.length;
    this.items = this.items.filter(keep);
    const gone = before - this.items.length;
    if (gone > 0) this.compact();
    return gone;
  }

  private compact(): void {
    if (!this.journal) return;
    this.journal.rewrite(this.items);
    this.written = this.items.length;
  }
}
