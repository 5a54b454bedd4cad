import { describe, expect, it } from "vitest";
import { readLocalConfig } from "../../functions/src/local/local-config.js";

const ROOT = "/project";

describe("npm start's options", () => {
  it("defaults to port 7071, ./data, no reset, no rebuild", () => {
    expect(readLocalConfig([], {}, ROOT)).toEqual({ port: 7071, dataDir: "/project/data", reset: false, rebuildViews: false });
  });

  it("takes flags over environment variables", () => {
    expect(readLocalConfig(["--port", "0", "--data-dir", "d", "--rebuild-views"], { PORT: "9000", DATA_DIR: "e" }, ROOT)).toEqual({
      port: 0,
      dataDir: "/project/d",
      reset: false,
      rebuildViews: true,
    });
    expect(readLocalConfig([], { PORT: "9000", DATA_DIR: "/abs" }, ROOT)).toMatchObject({ port: 9000, dataDir: "/abs" });
  });

  it.each([["70000"], ["-1"], ["http"], [""]])("refuses port '%s', naming the key", (port) => {
    expect(() => readLocalConfig([`--port=${port}`], {}, ROOT)).toThrow(`port must be 0-65535, got '${port}'`);
    expect(() => readLocalConfig([], { PORT: port }, ROOT)).toThrow(/^port must be 0-65535/);
  });

  it("refuses --reset with --rebuild-views, and unknown flags", () => {
    expect(() => readLocalConfig(["--reset", "--rebuild-views"], {}, ROOT)).toThrow(/--reset and --rebuild-views exclude each other/);
    expect(() => readLocalConfig(["--rebuild"], {}, ROOT)).toThrow(/Unknown option '--rebuild'/);
  });
});
