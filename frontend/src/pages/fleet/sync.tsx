/**
 * Synchronisation with visible progress: up to 20 databases answer at once with their results;
 * more start a background run, polled every second until it ends (done/total, failures, and a
 * result per database). A run still going when the page opens is picked up again.
 */

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import * as fleet from "../../api/fleet";
import type { SyncOutcome, SyncRun } from "../../api/fleet";

export type SyncState =
  | { kind: "idle" }
  | { kind: "starting"; label: string }
  | { kind: "run"; runId: number }
  | { kind: "finished"; results: SyncOutcome[] }
  | { kind: "error"; message: string };

const POLL_MS = 1000;

export function useSynchronize() {
  const client = useQueryClient();
  const [state, setState] = useState<SyncState>({ kind: "idle" });
  const runId = state.kind === "run" ? state.runId : null;

  // a run left going (by this page before a reload, or by someone else for an administrator)
  const pending = useQuery({ queryKey: ["fleet", "runs"], queryFn: fleet.runs, staleTime: 0 });
  const resumed = useRef(false);
  useEffect(() => {
    if (resumed.current || !pending.data) return;
    resumed.current = true;
    const going = pending.data.find((run) => run.state === "pending" || run.state === "running");
    if (going) setState((current) => (current.kind === "idle" ? { kind: "run", runId: going.id } : current));
  }, [pending.data]);

  const progress = useQuery({
    queryKey: ["fleet", "run", runId],
    queryFn: () => fleet.run(runId!),
    enabled: runId !== null,
    refetchInterval: (query) => (isOver(query.state.data) ? false : POLL_MS),
    staleTime: 0,
  });
  useEffect(() => {
    if (runId !== null && isOver(progress.data)) void client.invalidateQueries({ queryKey: ["fleet", "databases"] });
  }, [client, progress.data, runId]);

  const start = useCallback(
    async (which: { all: true } | { databases: number[] }, label: string) => {
      setState({ kind: "starting", label });
      try {
        const answer = await fleet.synchronize(which);
        if ("run" in answer) setState({ kind: "run", runId: answer.run.id });
        else {
          setState({ kind: "finished", results: answer.results });
          await client.invalidateQueries({ queryKey: ["fleet"] });
        }
      } catch (failure) {
        setState({ kind: "error", message: failure instanceof Error ? failure.message : String(failure) });
      }
    },
    [client],
  );
  const busy = state.kind === "starting" || (state.kind === "run" && !isOver(progress.data));
  return { state, run: progress.data, runError: progress.error, start, busy, dismiss: () => setState({ kind: "idle" }) };
}

function isOver(run: SyncRun | undefined): boolean {
  return run !== undefined && (run.state === "done" || run.state === "failed");
}

export function runOutcomes(run: SyncRun): SyncOutcome[] {
  return Object.entries(run.results).map(([id, result]) => ({ database: Number(id), ...result }));
}

export function SyncPanel({ sync }: { sync: ReturnType<typeof useSynchronize> }) {
  const { state, run } = sync;
  if (state.kind === "idle") return null;
  let body: React.ReactNode;
  if (state.kind === "starting") body = <p>Synchronizing {state.label}…</p>;
  else if (state.kind === "error")
    body = (
      <p className="error" role="alert">
        Synchronization failed: {state.message}
      </p>
    );
  else if (state.kind === "finished") body = <OutcomeSummary outcomes={state.results} />;
  else if (sync.runError)
    body = (
      <p className="error" role="alert">
        The progress cannot be read: {sync.runError.message}
      </p>
    );
  else if (!run) body = <p>Synchronizing in the background…</p>;
  else {
    const over = run.state === "done" || run.state === "failed";
    body = (
      <>
        <div className="fleet-progress">
          <label>
            {over ? "Synchronized" : run.state === "pending" ? "Waiting to start" : "Synchronizing"}{" "}
            <span className="fleet-count">
              {run.done} / {run.total}
            </span>
            {run.failed > 0 && <span className="error"> · {run.failed} failed</span>}
            <progress max={run.total} value={run.done} aria-label="Synchronization progress" />
          </label>
        </div>
        {run.error && (
          <p className="error" role="alert">
            The run failed: {run.error}
          </p>
        )}
        {over && <OutcomeSummary outcomes={runOutcomes(run)} />}
      </>
    );
  }
  const over = state.kind === "finished" || state.kind === "error" || (state.kind === "run" && isOver(run));
  return (
    <section className="fleet-sync" aria-label="Synchronization" aria-live="polite">
      {body}
      {over && (
        <button type="button" className="link" onClick={sync.dismiss}>
          Dismiss
        </button>
      )}
    </section>
  );
}

/** "n synchronized, m failed" and, for the failures, which database and why. */
export function OutcomeSummary({ outcomes }: { outcomes: SyncOutcome[] }) {
  const failed = outcomes.filter((outcome) => !outcome.ok);
  return (
    <div>
      <p>
        {outcomes.length - failed.length} synchronized, {failed.length} failed.
      </p>
      {failed.length > 0 && (
        <ul className="fleet-failures">
          {failed.map((outcome) => (
            <li key={outcome.database}>
              <strong>{outcome.name || `Database ${outcome.database}`}</strong>: {outcome.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
