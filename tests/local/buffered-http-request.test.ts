import { describe, expect, it } from "vitest";
import { BufferedHttpRequest } from "../../functions/src/local/buffered-http-request.js";
import { HttpRequest } from "../../functions/src/shared/azure-functions-runtime.js";

const init = {
  method: "POST",
  url: "http://127.0.0.1/api/streams/s/events?x=1",
  headers: { "content-type": "application/json" },
  params: { streamId: "s" },
  query: { x: "1" },
};

describe("the local server's HttpRequest over a body already read", () => {
  it("is the Functions HttpRequest, with the library's url, method, headers, params and query", () => {
    const request = new BufferedHttpRequest(init, Buffer.from("{}"));
    expect(request).toBeInstanceOf(HttpRequest);
    expect([request.method, request.url, request.headers.get("content-type"), request.params.streamId, request.query.get("x")]).toEqual([
      "POST",
      init.url,
      "application/json",
      "s",
      "1",
    ]);
  });

  it("hands out the same bytes through every reader, as often as asked", async () => {
    const bytes = Buffer.from('{"events":[{"type":"A","data":{"text":"grüße"}}]}');
    const request = new BufferedHttpRequest(init, bytes);
    expect(Buffer.from(await request.arrayBuffer()).equals(bytes)).toBe(true);
    expect(Buffer.from(await request.arrayBuffer()).equals(bytes)).toBe(true);
    expect(await request.text()).toBe(bytes.toString("utf8"));
    expect(await request.json()).toEqual({ events: [{ type: "A", data: { text: "grüße" } }] });
    expect(Buffer.from(await (await request.blob()).arrayBuffer()).equals(bytes)).toBe(true);
    expect(Buffer.from(await new Response(request.body).arrayBuffer()).equals(bytes)).toBe(true);
  });

  it("has no body when none was sent, and reading it as JSON fails as the library's does", async () => {
    const request = new BufferedHttpRequest(init, Buffer.alloc(0));
    expect(request.body).toBeNull();
    expect((await request.arrayBuffer()).byteLength).toBe(0);
    await expect(request.json()).rejects.toThrow(SyntaxError);
  });
});
