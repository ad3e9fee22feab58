import { apiUrlFor, findToken, GithubClient, originRepository } from "@capstan/cli/github";
import * as vscode from "vscode";
import {
  type JudgmentItem,
  judgmentDetail,
  type ReviewOutcome,
  type ReviewUi,
  reviewWaitingJudgment,
} from "../judgments/review-flow.js";
import { folderFor } from "../pipeline-files.js";

/**
 * The token for the REST API: $GITHUB_TOKEN or `gh auth token` (as `capstan approve`), else the
 * GitHub account signed in to VS Code (asked for with the `repo` scope reviews need).
 */
async function token(host: string, output: vscode.LogOutputChannel): Promise<string | undefined> {
  const found = findToken(process.env, host);
  if (!("error" in found)) {
    output.info(`judgments: token from ${found.source}`);
    return found.token;
  }
  try {
    const provider = host === "github.com" ? "github" : "github-enterprise";
    const session = await vscode.authentication.getSession(provider, ["repo"], { createIfNone: true });
    return session.accessToken;
  } catch (error) {
    output.warn(`judgments: no VS Code GitHub session: ${(error as Error).message}`);
    void vscode.window.showErrorMessage(`Capstan: ${found.error}`);
    return undefined;
  }
}

/** The quick picks and input box of the flow. */
function editorUi(output: vscode.LogOutputChannel): ReviewUi {
  return {
    pickJudgment: (items) =>
      vscode.window.showQuickPick(items, {
        title: "Capstan: judgments waiting for a review",
        placeHolder: "Pick a judgment to approve or reject",
        matchOnDescription: true,
        matchOnDetail: true,
      }),
    pickDecision: (item: JudgmentItem, decisions) => {
      const [heading, , ...rest] = judgmentDetail(item);
      return vscode.window.showQuickPick(decisions, {
        title: heading,
        placeHolder: rest.map((l) => l.trim()).join(" "),
      });
    },
    comment: (item, decision) =>
      vscode.window.showInputBox({
        title: `${decision.state === "approved" ? "Approve" : "Reject"} '${item.pending.judgment?.name ?? item.pending.environment.name}'${decision.input ? ` with ${decision.input}` : ""}`,
        prompt:
          decision.state === "approved"
            ? `A comment after '${decision.input ?? ""}' (optional): the approval comment starts with the input.`
            : "Why (optional): the final summary shows it.",
        placeHolder: "Enter to send without a comment, Escape to cancel",
      }),
    info: (message, url) => {
      output.info(message);
      void vscode.window.showInformationMessage(message, ...(url ? ["Open Run"] : [])).then((choice) => {
        if (choice && url) void vscode.env.openExternal(vscode.Uri.parse(url));
      });
    },
    error: (message) => {
      output.error(message);
      void vscode.window.showErrorMessage(message);
    },
  };
}

/** "Capstan: Review Waiting Judgments": approve (with an input) or reject a judgment a GitHub run waits on. */
export async function reviewJudgments(output: vscode.LogOutputChannel): Promise<ReviewOutcome | undefined> {
  const folder = folderFor(vscode.window.activeTextEditor?.document.uri);
  if (!folder) {
    void vscode.window.showErrorMessage("Capstan: open the repository's folder to review its judgments.");
    return undefined;
  }
  const origin = originRepository(folder.uri.fsPath);
  if ("error" in origin) {
    void vscode.window.showErrorMessage(`Capstan: ${origin.error}.`);
    return undefined;
  }
  const secret = await token(new URL(origin.webOrigin).hostname, output);
  if (!secret) return undefined;
  const client = new GithubClient({
    apiUrl: process.env.GITHUB_API_URL ?? apiUrlFor(origin.webOrigin),
    token: secret,
  });
  const ctx = { client, repository: origin.repository, folder: folder.uri.fsPath };
  output.info(`judgments: ${origin.repository.owner}/${origin.repository.repo} via ${client.apiUrl}`);
  return reviewWaitingJudgment(ctx, editorUi(output));
}
