/**
 * The right-click menus of the three trees. A folder's menu depends on its kind and on what the
 * API says the user may do with it (`can_write`, `can_manage` of the folder's detail, fetched
 * when the menu opens): automatic folders offer download, create subfolder, open the linked
 * record and settings; manual folders download, create subfolder, rename, edit settings, archive.
 */

import type { QueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useNavigate } from "react-router";
import { downloadUrl } from "../../api/client";
import * as documents from "../../api/documents";
import { recordPath } from "../../api/records";
import { ConfirmDialog, PromptDialog } from "../../components/Dialog";
import type { MenuItem, MenuState } from "../../components/ContextMenu";
import { TagEditDialog } from "./dialogs";
import { FolderSettingsDialog } from "./FolderSettingsDialog";
import type { FolderItem, ShareTreeItem, TagItem } from "./TreePanels";

export interface MenuContext {
  setMenu: (menu: MenuState | null) => void;
  setDialog: (dialog: ReactNode) => void;
  closeDialog: () => void;
  attempt: (action: () => Promise<unknown>, done: string) => Promise<void>;
  refreshFolders: () => void;
  refreshAttachments: () => Promise<unknown>;
  refreshTags: () => void;
  refreshShares: () => void;
  forgetFolder: (id: number) => void;
  client: QueryClient;
}

export function useTreeMenus(context: MenuContext) {
  const { setMenu, setDialog, closeDialog, attempt } = context;
  const navigate = useNavigate();

  const prompt = (title: string, label: string, initial: string, submit: (value: string) => Promise<unknown>) =>
    setDialog(<PromptDialog title={title} label={label} initial={initial} onSubmit={submit} onClose={closeDialog} />);

  const createFolderIn = (parent: number | null, parentName: string) =>
    prompt(parent === null ? "Create a folder" : `Create a subfolder of ${parentName}`, "Name", "", async (name) => {
      await documents.createFolder(name, parent);
      context.refreshFolders();
    });

  const folderMenu = async (node: FolderItem, x: number, y: number) => {
    const title = node.name;
    setMenu({ x, y, title, items: "loading" });
    let detail;
    try {
      detail = await context.client.fetchQuery({
        queryKey: ["folder", node.id],
        queryFn: () => documents.folder(node.id),
        staleTime: 0,
      });
    } catch (error) {
      setMenu(null);
      void attempt(() => Promise.reject(error), "");
      return;
    }
    const automatic = detail.kind === "rule" || detail.kind === "record";
    const items: MenuItem[] = [
      { label: "Download as archive", run: () => downloadUrl(documents.folderZipUrl(node.id, false)) },
    ];
    if (detail.can_write) items.push({ label: "Create subfolder", run: () => createFolderIn(node.id, node.name) });
    if (automatic) {
      if (detail.record) {
        items.push({
          label: "Open linked record",
          run: () => void navigate(recordPath(detail.record!)),
        });
      }
      items.push({
        label: "Settings",
        run: () =>
          setDialog(<FolderSettingsDialog folder={detail} onSaved={context.refreshFolders} onClose={closeDialog} />),
      });
    } else if (detail.can_manage) {
      items.push(
        {
          label: "Rename",
          run: () =>
            prompt(`Rename ${node.name}`, "New name", node.name, async (name) => {
              await documents.updateFolder(node.id, { name });
              context.refreshFolders();
              await context.refreshAttachments();
            }),
        },
        {
          label: "Edit settings",
          run: () =>
            setDialog(
              <FolderSettingsDialog folder={detail} onSaved={context.refreshFolders} onClose={closeDialog} />,
            ),
        },
        {
          label: "Archive",
          run: () =>
            setDialog(
              <ConfirmDialog
                title={`Archive ${node.name}`}
                message="The folder, its subfolders and their attachments leave the tree; they can be restored in the back office."
                confirmLabel="Archive"
                onConfirm={async () => {
                  await documents.archiveFolder(node.id);
                  context.forgetFolder(node.id);
                  context.refreshFolders();
                  await context.refreshAttachments();
                }}
                onClose={closeDialog}
              />,
            ),
        },
      );
    }
    setMenu({ x, y, title, items });
  };

  const createTag = (parent: TagItem | null) =>
    prompt(parent ? `Create a tag under ${parent.name}` : "Create a tag", "Name", "", async (name) => {
      await documents.createTag(name, parent?.id ?? null);
      context.refreshTags();
    });

  const tagMenu = (node: TagItem, x: number, y: number) =>
    setMenu({
      x,
      y,
      title: node.name,
      items: [
        { label: "Download as archive", run: () => downloadUrl(documents.tagZipUrl(node.id)) },
        { label: "Create", run: () => createTag(node) },
        {
          label: "Rename",
          run: () =>
            prompt(`Rename ${node.name}`, "New name", node.name, async (name) => {
              await documents.updateTag(node.id, { name });
              context.refreshTags();
              await context.refreshAttachments();
            }),
        },
        {
          label: "Edit",
          run: () =>
            setDialog(
              <TagEditDialog
                tag={node.tag}
                onSaved={() => {
                  context.refreshTags();
                  void context.refreshAttachments();
                }}
                onClose={closeDialog}
              />,
            ),
        },
        {
          label: "Archive",
          run: () =>
            void attempt(async () => {
              await documents.archiveTag(node.id);
              context.refreshTags();
              await context.refreshAttachments();
            }, `Tag ${node.name} archived`),
        },
      ],
    });

  const createShare = (parent: ShareTreeItem | null) =>
    prompt(parent ? `Create a share under ${parent.name}` : "Create a share", "Name", "", async (name) => {
      await documents.createShare(name, parent?.id ?? null);
      context.refreshShares();
    });

  const shareMenu = (node: ShareTreeItem, x: number, y: number) =>
    setMenu({
      x,
      y,
      title: node.name,
      items: [
        { label: "Download as archive", run: () => downloadUrl(documents.shareZipUrl(node.id)) },
        { label: "Create", run: () => createShare(node) },
        {
          label: "Rename",
          run: () =>
            prompt(`Rename ${node.name}`, "New name", node.name, async (name) => {
              await documents.renameShare(node.id, name);
              context.refreshShares();
            }),
        },
        {
          label: "Copy access URL",
          run: () =>
            void attempt(async () => {
              const share = await documents.share(node.id);
              if (!share.access_url) throw new Error("this share has no access URL (access by token is off)");
              await navigator.clipboard.writeText(share.access_url);
            }, "Access URL copied"),
        },
        {
          label: "Send invitation",
          run: () => void attempt(() => documents.inviteToShare(node.id), "Invitations sent"),
        },
        {
          label: "Archive",
          run: () =>
            void attempt(async () => {
              await documents.archiveShare(node.id);
              context.refreshShares();
            }, `Share ${node.name} archived`),
        },
      ],
    });

  return {
    folderMenu: (node: FolderItem, x: number, y: number) => void folderMenu(node, x, y),
    createRootFolder: () => createFolderIn(null, ""),
    tagMenu,
    createTag,
    shareMenu,
    createShare,
  };
}
