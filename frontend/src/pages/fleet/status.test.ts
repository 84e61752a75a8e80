import { describe, expect, it } from "vitest";
import { databaseQuery, NO_DATABASE_FILTERS } from "../../api/fleet";
import { sortedKpis, taxColour, taxLabel } from "./status";

describe("tax return status indicators", () => {
  it("maps each status to the spec's colour", () => {
    expect(taxColour("late")).toBe("red");
    expect(taxColour("to_do")).toBe("yellow");
    expect(taxColour("to_submit")).toBe("green-white");
    expect(taxColour("longterm")).toBe("white");
    expect(taxColour("done")).toBe("green");
    expect(taxColour("")).toBe("none");
    expect(taxColour("surprise")).toBe("none");
  });

  it("labels statuses and keeps unknown ones readable", () => {
    expect(taxLabel("to_do")).toBe("To do");
    expect(taxLabel("surprise")).toBe("surprise");
  });

  it("lists integer KPIs before tax returns, each by name", () => {
    const kpis = {
      "account_return.x": { name: "VAT", type: "return_status" },
      "documents.inbox": { name: "Inbox", type: "integer" },
      "account_journal_type.bank": { name: "Bank", type: "integer" },
    };
    expect(sortedKpis(kpis).map(([id]) => id)).toEqual([
      "account_journal_type.bank",
      "documents.inbox",
      "account_return.x",
    ]);
  });
});

describe("the databases query", () => {
  it("sends only the filters in use and the ordering with its direction", () => {
    expect(databaseQuery(NO_DATABASE_FILTERS)).toMatchObject({ ordering: "name", errors: undefined, search: "" });
    const query = databaseQuery({
      ...NO_DATABASE_FILTERS,
      search: "  acme ",
      responsible: 4,
      errors: true,
      ordering: "tax_return_status",
      descending: true,
    });
    expect(query).toMatchObject({ search: "acme", responsible: 4, errors: 1, ordering: "-tax_return_status" });
  });
});
