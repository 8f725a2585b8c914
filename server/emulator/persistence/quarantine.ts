// Where startup recovery puts what it cannot use: <dataDir>/quarantine/<time of the start>/, each file
// under the path it had in the data dir, so it can be repaired and moved back. Nothing in a quarantine
// folder is ever read or deleted by the emulator. Each move is reported on stderr in one line that names
// the file, what is wrong with it, what that means for the data, and what to do.

import { copyFile, mkdir, rename } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
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

  constructor(private readonly layout: DataLayout) {}

  /** True once something was put in quarantine during this start. */
  get used(): boolean {
    return this.folder !== undefined;
  }

  /** Moves a damaged file aside and says so. */
  async move(path: string, damage: Damage): Promise<void> {
    const target = await this.place(path);
    await rename(path, target);
    this.tell(path, damage, `moved to ${this.shown(target)}`);
  }

  /** Keeps a copy of a damaged file that is about to be replaced, and says so. */
  async copy(path: string, damage: Damage): Promise<void> {
    const target = await this.place(path);
    await copyFile(path, target);
    this.tell(path, damage, `copied to ${this.shown(target)}`);
  }

  /** Moves a file aside silently: something that goes with a damaged record, reported with it. */
  async keep(path: string): Promise<string> {
    const target = await this.place(path);
    await rename(path, target);
    return this.shown(target);
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
    await mkdir(dirname(target), { recursive: true });
    return target;
  }

  /** One folder per start, named by the wall-clock time (not the emulator's clock, which tests may fix). */
  private async createFolder(): Promise<string> {
    await mkdir(this.layout.quarantineDir, { recursive: true });
    const stamp = new Date().toISOString().replace(/:/g, '-');
    for (let attempt = 1; ; attempt++) {
      const folder = join(this.layout.quarantineDir, attempt === 1 ? stamp : `${stamp}-${attempt}`);
      try {
        await mkdir(folder);
        return folder;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
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
