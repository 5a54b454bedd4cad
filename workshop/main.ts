/**
 * `npm run workshop -- <up|status|down|sweep> ...`: a room's stacks in one command. This file
 * only wires the real adapters (Pulumi Automation API, Azure Resource Manager) to the commands.
 */
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ArmResourceGroups, currentSubscription } from "./arm-resource-groups.js";
import { AutomationStacks } from "./automation-stacks.js";
import { parseWorkshopArgs, USAGE, UsageError, type WorkshopCommand } from "./cli-args.js";
import { createProgressBoard } from "./progress-board.js";
import { messageOf, realSleep } from "./retry.js";
import { settingsFrom, type WorkshopSettings } from "./settings.js";
import { workshopDown, workshopSweep } from "./workshop-down.js";
import { workshopStatus } from "./workshop-status.js";
import { workshopUp } from "./workshop-up.js";

const projectDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const out = { write: (text: string) => void process.stdout.write(text) };
const board = (names: readonly string[]) => createProgressBoard(names, out, process.stdout.isTTY);

async function writePrivateFile(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, content, { mode: 0o600 });
  await chmod(path, 0o600);
}

async function run(command: WorkshopCommand, settings: WorkshopSettings): Promise<number> {
  // WORKSHOP_PULUMI_ROOT: a directory holding bin/pulumi; otherwise `pulumi` on PATH. Never downloaded.
  const stacks = await AutomationStacks.open({ workDir: projectDir, pulumiRoot: process.env["WORKSHOP_PULUMI_ROOT"] });
  const common = { stacks, log: out, board, settings, sleep: realSleep, now: () => new Date() };
  switch (command.command) {
    case "up":
      return (await workshopUp(command, { ...common, writePrivateFile, outputRoot: projectDir })).exitCode;
    case "status":
      return (await workshopStatus(command.workshop, common)).exitCode;
    case "down":
    case "sweep": {
      const resourceGroups = ArmResourceGroups.create({ subscriptionId: await currentSubscription(process.env), project: stacks.project });
      const deps = { ...common, resourceGroups };
      return (
        command.command === "down"
          ? await workshopDown(command.workshop, command.parallel, deps)
          : await workshopSweep(command.parallel, deps)
      ).exitCode;
    }
  }
}

try {
  const settings = settingsFrom(process.env);
  const command = parseWorkshopArgs(process.argv.slice(2), {
    now: new Date(),
    parallel: settings.defaultParallel,
    lifetimeHours: settings.defaultLifetimeHours,
  });
  process.exitCode = await run(command, settings);
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`workshop: ${error.message}\n${USAGE}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`workshop: ${messageOf(error)}\n`);
    process.exitCode = 1;
  }
}
