import { describe, expect, it } from "vitest";
import { attendeesCsv } from "../../workshop/attendee-sheet.js";
import { linksFrom } from "../../workshop/attendee-links.js";
import { transientFailureOf } from "../../workshop/transient-failures.js";

describe("attendee sheet", () => {
  it("quotes CSV fields per RFC 4180 and keeps a spreadsheet from evaluating a cell", () => {
    const csv = attendeesCsv([
      {
        attendee: "alice",
        stack: "ws1-alice",
        links: {
          apiBaseUrl: "https://a/api",
          dashboardUrl: undefined,
          smokeCommand: 'npm run smoke -- --key "x,y"',
          stackSmokeCommand: undefined,
          missing: ["dashboardUrl"],
        },
        error: undefined,
      },
      { attendee: "bob", stack: "ws1-bob", links: undefined, error: '=HYPERLINK("http://evil")' },
    ]);
    expect(csv.split("\r\n")).toEqual([
      "attendee,stack,status,api_url,dashboard_url,smoke_command,note",
      'alice,ws1-alice,up,https://a/api,,"npm run smoke -- --key ""x,y""",stack outputs missing: dashboardUrl',
      `bob,ws1-bob,failed,,,,"'=HYPERLINK(""http://evil"")"`,
      "",
    ]);
  });

  it("reads the four outputs, and lists the ones a stack does not have", () => {
    expect(linksFrom({ apiBaseUrl: { value: "https://a/api", secret: false } })).toEqual({
      apiBaseUrl: "https://a/api",
      dashboardUrl: undefined,
      smokeCommand: undefined,
      stackSmokeCommand: undefined,
      missing: ["functionKey", "dashboardUrl", "smokeCommand"],
    });
    // Without the key, the stack's own command is what is left.
    expect(linksFrom({ smokeCommand: { value: "npm run smoke -- --stack s", secret: false } }).smokeCommand).toBe(
      "npm run smoke -- --stack s",
    );
  });
});

describe("transient failures", () => {
  it.each([
    [
      'Code="PrincipalNotFound" Message="Principal abc does not exist in the directory"',
      "role assignment before the identity has replicated",
    ],
    ['Status=429 Code="TooManyRequests"', "throttled by Azure Resource Manager (429)"],
    ['Code="SubscriptionRequestsThrottled"', "throttled by Azure Resource Manager (429)"],
    ['Status=409 Code="AnotherOperationInProgress"', "conflict with another operation on the same resource"],
    ["error: the stack is currently locked by 1 lock(s)", "stack locked by another update"],
  ])("recognises %s", (text, name) => {
    expect(transientFailureOf(new Error(`code: 255\n stderr: ${text}`))?.name).toBe(name);
  });

  it.each(['Code="InvalidTemplateDeployment"', 'Code="AuthorizationFailed"', "status 4290 resources"])("does not retry %s", (text) => {
    expect(transientFailureOf(new Error(text))).toBeUndefined();
  });
});
