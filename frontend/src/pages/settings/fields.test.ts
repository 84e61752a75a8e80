import { describe, expect, it } from "vitest";
import { ApiError } from "../../api/client";
import { problemsOf } from "./fields";

describe("problemsOf", () => {
  it("puts each known field's message under its field, the rest in one sentence", () => {
    const error = new ApiError(
      400,
      "log_days: too small",
      { log_days: ["Ensure this value is greater than or equal to 3."], colour: ["unknown field"] },
    );
    const found = problemsOf(error, ["log_days"]);
    expect(found.fields).toEqual({ log_days: "Ensure this value is greater than or equal to 3." });
    expect(found.general).toBe("colour: unknown field");
  });

  it("names the wrong item of a list", () => {
    const error = new ApiError(400, "x", { non_synced_mimetypes: { "1": ["'pdf' is not a mimetype"] } });
    expect(problemsOf(error, ["non_synced_mimetypes"]).fields.non_synced_mimetypes).toBe(
      "item 2: 'pdf' is not a mimetype",
    );
  });

  it("gives any other failure as a sentence", () => {
    expect(problemsOf(new ApiError(403, "this needs the group Administration", {}), [])).toEqual({
      fields: {},
      general: "this needs the group Administration",
    });
  });
});
