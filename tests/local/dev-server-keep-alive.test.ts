import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DevServer } from "../../functions/src/local/dev-server.js";

const server = new DevServer({ routes: [], port: 0, log: () => undefined });
let base: string;
beforeAll(async () => {
  base = `http://127.0.0.1:${await server.listen()}`;
});
afterAll(() => server.close());

describe("the local server's keep-alive", () => {
  it("announces a minute's idle limit, so that fetch's pool retires a connection long before the server closes it", async () => {
    const response = await fetch(`${base}/api/nothing-here`);
    await response.body?.cancel();
    expect(response.status).toBe(404);
    // fetch keeps a connection for the announced timeout less 2 s; Node's default of 5 s left
    // that margin to a stalled server, which then reset connections carrying a request.
    expect(response.headers.get("keep-alive")).toBe("timeout=65");
  });
});
