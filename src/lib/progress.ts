/**
 * Progress lines for long work, readable in a terminal, a notebook cell and a CI log:
 * a terminal or a Jupyter kernel gets one line redrawn with \r (JupyterLab and nbconvert honour
 * \r in stream output); anything else gets a new line every tenth of the work.
 */
export interface ProgressOptions {
  /** What is counted: 'bytes' formats as MB and MB/s. */
  unit?: 'bytes' | 'images';
  /** Where to write; default process.stdout. */
  out?: { write(text: string): unknown; isTTY?: boolean };
  /** Force a style (tests). */
  redraw?: boolean;
}

export class Progress {
  private readonly start = Date.now();
  private lastDraw = 0;
  private lastTenth = -1;
  private readonly out: NonNullable<ProgressOptions['out']>;
  private readonly redraw: boolean;
  private readonly unit: 'bytes' | 'images';

  constructor(private readonly label: string, private readonly total: number, options: ProgressOptions = {}, private done = 0) {
    this.out = options.out ?? process.stdout;
    this.unit = options.unit ?? 'images';
    this.redraw = options.redraw ?? (Boolean(this.out.isTTY) || insideJupyterKernel());
  }

  /** Records `done` units so far; draws at most every 0.5 s (redraw) or every tenth (lines). */
  update(done: number): void {
    this.done = done;
    const now = Date.now();
    if (this.redraw) {
      if (now - this.lastDraw < 500) return;
      this.lastDraw = now;
      this.out.write(`\r${this.line()}`);
    } else {
      const tenth = Math.floor((10 * done) / Math.max(1, this.total));
      if (tenth === this.lastTenth || done >= this.total) return; // finish() draws the last line
      this.lastTenth = tenth;
      this.out.write(`${this.line()}\n`);
    }
  }

  /** Draws the final line, with the total time. */
  finish(): void {
    this.done = this.total;
    const line = this.line(true);
    this.out.write(this.redraw ? `\r${line}\n` : `${line}\n`);
  }

  line(final = false): string {
    const seconds = Math.max(1e-3, (Date.now() - this.start) / 1000);
    const rate = this.done / seconds;
    const fraction = this.total > 0 ? Math.min(1, this.done / this.total) : 0;
    const width = 24;
    const filled = Math.round(fraction * width);
    const bar = `[${'='.repeat(filled)}${filled < width ? '>' : ''}${'.'.repeat(Math.max(0, width - filled - 1))}]`;
    const count = this.unit === 'bytes' ? `${mb(this.done)}/${mb(this.total)} MB` : `${this.done}/${this.total}`;
    const speed = this.unit === 'bytes' ? `${mb(rate)} MB/s` : `${rate.toFixed(0)} img/s`;
    const tail = final ? `${seconds.toFixed(1)} s` : `ETA ${eta((this.total - this.done) / Math.max(rate, 1e-9))}`;
    return `${this.label} ${bar} ${(fraction * 100).toFixed(0).padStart(3)}% ${count} ${speed} ${tail}`;
  }
}

function insideJupyterKernel(): boolean {
  return process.argv.some((arg) => arg === 'kernel') && process.argv.some((arg) => /tslab/.test(arg));
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

function eta(seconds: number): string {
  if (!isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
