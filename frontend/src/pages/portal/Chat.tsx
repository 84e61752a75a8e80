/** The share's chat below the list (when the share shows it): the messages, and a form to
 * write one. Token visitors give a name; a signed-in person writes under their own. */

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import * as portal from "../../api/portal";

export function Chat({ access, askName }: { access: portal.ShareAccess; askName: boolean }) {
  const client = useQueryClient();
  const key = ["share", portal.shareBase(access), "messages"];
  const list = useQuery({ queryKey: key, queryFn: () => portal.messages(access) });
  const [body, setBody] = useState("");
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <section className="share-chat" aria-labelledby="share-chat-title">
      <h2 id="share-chat-title">Messages</h2>
      {list.isError && (
        <p className="error" role="alert">
          {list.error.message}
        </p>
      )}
      {list.data && list.data.length === 0 && <p className="note">No message yet.</p>}
      {list.data && list.data.length > 0 && (
        <ol className="chat-messages" aria-label="Messages">
          {list.data.map((message) => (
            <li key={message.id}>
              <div className="chat-meta">
                <strong>{message.author_name || "Visitor"}</strong>{" "}
                <time dateTime={message.created_at}>{new Date(message.created_at).toLocaleString()}</time>
              </div>
              <p className="chat-body">{message.body}</p>
            </li>
          ))}
        </ol>
      )}
      <form
        className="form chat-form"
        onSubmit={async (event) => {
          event.preventDefault();
          setBusy(true);
          setError(null);
          try {
            await portal.postMessage(access, body, name);
            setBody("");
            await client.invalidateQueries({ queryKey: key });
          } catch (failure) {
            setError(failure instanceof Error ? failure.message : String(failure));
          } finally {
            setBusy(false);
          }
        }}
      >
        {askName && (
          <label>
            Your name
            <input value={name} onChange={(event) => setName(event.target.value)} maxLength={255} autoComplete="name" />
          </label>
        )}
        <label>
          Message
          <textarea value={body} onChange={(event) => setBody(event.target.value)} rows={3} required maxLength={10000} />
        </label>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="buttons">
          <button type="submit" className="primary" disabled={busy || !body.trim()}>
            Send
          </button>
        </div>
      </form>
    </section>
  );
}
