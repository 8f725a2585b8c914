// Where startup recovery puts what it cannot use: <dataDir>/quarantine/<time of the start>/, each file
// under the path it had in the data dir, so it can be repaired and moved back. Nothing in a quarantine
// folder is ever read or deleted by the emulator. Each damaged file is reported on stderr in one line
// that names it, says what is wrong with it, what that means for the data, and what to do.
//
// Damaged records are moved last, once the data files they may point to are safely in quarantine: a
// power cut in the middle of recovery must not leave a data file whose record is gone, since the next
// start would delete it as an orphan.

import { copyFile, mkdir, rename } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { mkdirDurably, syncDirectory } from './durable-fs.ts';
import type { DataLayout } from './layout.ts';

export function report(line: string): void {
  console.error(`[oss-emulator] ${line}`);
}

export interface Damage {
  /** What the file is: "object record", … */
  what: string;
  /** What is wrong with it. */
  problem: string;
  /** What that means for the data, and what to do about it. */
  consequence: string;
}

export class Quarantine {
  private folder: string | undefined;
  /** Damaged records (with `damage`) and what goes with them (without), to move in `moveRecords`. */
  private readonly records: { path: string; damage?: Damage }[] = [];

  constructor(private readonly layout: DataLayout) {}

  /** True once anything was found damaged during this start. */
  get used(): boolean {
    return this.folder !== undefined || this.records.length > 0;
  }

  /** Puts a damaged record (reported) or a folder of records that goes with one (not) on the list to move. */
  addRecord(path: string, damage?: Damage): void {
    this.records.push({ path, damage });
  }

  /** Keeps a copy of a damaged file that is about to be replaced, and says so. */
  async copy(path: string, damage: Damage): Promise<void> {
    const target = await this.place(path);
    await copyFile(path, target);
    this.tell(path, damage, `copied to ${this.shown(target)}`);
  }

  /** Moves a damaged file that no data file depends on aside at once, and says so. */
  async move(path: string, damage: Damage): Promise<void> {
    const target = await this.place(path);
    await rename(path, target);
    this.tell(path, damage, `moved to ${this.shown(target)}`);
  }

  /** Moves data files aside, durably; returns the folder they went to. */
  async keepData(paths: string[]): Promise<string | undefined> {
    const dirs = new Set<string>();
    let folder: string | undefined;
    for (const path of paths) {
      const target = await this.place(path);
      await rename(path, target);
      dirs.add(dirname(path)).add(dirname(target));
      folder = dirname(target);
    }
    for (const dir of dirs) await syncDirectory(dir);
    return folder && this.shown(folder);
  }

  /** Moves the listed records aside; call once the data files were dealt with. */
  async moveRecords(): Promise<void> {
    for (const { path, damage } of this.records.splice(0)) {
      const target = await this.place(path);
      await rename(path, target);
      if (damage) this.tell(path, damage, `moved to ${this.shown(target)}`);
    }
  }

  /** The closing advice, once per start that quarantined anything. */
  finish(): void {
    if (!this.folder) return;
    report(
      `Quarantined files are in ${this.folder}. To restore one, stop the emulator, repair it and move it back to the same path under ${this.layout.root}; delete the folder once nothing in it is needed.`,
    );
  }

  private async place(path: string): Promise<string> {
    this.folder ??= await this.createFolder();
    const target = join(this.folder, relative(this.layout.root, path));
    await mkdirDurably(dirname(target));
    return target;
  }

  /** One folder per start, named by the wall-clock time (not the emulator's clock, which tests may fix). */
  private async createFolder(): Promise<string> {
    await mkdirDurably(this.layout.quarantineDir);
    const stamp = new Date().toISOString().replace(/:/g, '-');
    for (let attempt = 1; ; attempt++) {
      const folder = join(this.layout.quarantineDir, attempt === 1 ? stamp : `${stamp}-${attempt}`);
      try {
        await mkdir(folder); // not recursive: EEXIST if another start took this name
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw error;
      }
      await syncDirectory(this.layout.quarantineDir);
      return folder;
    }
  }

  private shown(path: string): string {
    return relative(this.layout.root, path);
  }

  private tell(path: string, damage: Damage, outcome: string): void {
    report(
      `Damaged ${damage.what} ${this.shown(path)} (${damage.problem}): ${outcome}; ${damage.consequence}.`,
    );
  }
}
