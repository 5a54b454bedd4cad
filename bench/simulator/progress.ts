/** A progress bar on stderr: redrawn in place on a terminal, a line per tenth otherwise. */
export function progressBar(total: number, label: string): { tick(detail: string): void; done(): void } {
  const tty = process.stderr.isTTY;
  let count = 0;
  let lastTenth = -1;
  const draw = (detail: string) => {
    const ratio = total === 0 ? 1 : count / total;
    if (tty) {
      const width = 30;
      const filled = Math.round(ratio * width);
      process.stderr.write(
        `\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}% ${count}/${total} ${label} ${detail}   `,
      );
    } else if (Math.floor(ratio * 10) > lastTenth) {
      lastTenth = Math.floor(ratio * 10);
      process.stderr.write(`${(ratio * 100).toFixed(0)}% ${count}/${total} ${label} ${detail}\n`);
    }
  };
  return {
    tick(detail) {
      count++;
      draw(detail);
    },
    done() {
      if (tty) process.stderr.write("\n");
    },
  };
}
