import type { HttpRequestInit } from "@azure/functions";
import { HttpRequest } from "../shared/azure-functions-runtime.js";

/**
 * The Functions HttpRequest, for a body the local server has already read into memory. The
 * library wraps a fetch `Request` whose body is a web stream; reading it back through
 * `arrayBuffer()` cost more per append than parsing and answering the request, so the body is
 * handed out from the buffer instead. Everything else (url, method, headers, params, query) is
 * the library's own.
 */
export class BufferedHttpRequest extends HttpRequest {
  constructor(init: Omit<HttpRequestInit, "body">, bytes: Buffer) {
    super(init);
    // The library declares the body and its readers as read-only properties: they are redefined
    // on the instance, each reading the same bytes.
    const text = () => bytes.toString("utf8");
    Object.defineProperties(this, {
      body: { get: () => (bytes.length === 0 ? null : new Blob([bytes]).stream()) },
      text: { value: () => Promise.resolve(text()) },
      // A promise that rejects on bad JSON, as the library's does, rather than a throw.
      json: {
        value: () =>
          new Promise((resolve) => {
            resolve(JSON.parse(text()) as unknown);
          }),
      },
      blob: { value: () => Promise.resolve(new Blob([bytes])) },
      arrayBuffer: { value: () => Promise.resolve(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)) },
    });
  }
}
