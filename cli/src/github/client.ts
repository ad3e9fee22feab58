// A small GitHub REST client on fetch (Node 20's, or VS Code's extension host): no dependency, no
// terminal, shared by `capstan approve` and the VS Code extension.

/** A non-2xx answer from GitHub, with its message. */
export class GithubApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly method: string,
    readonly path: string,
  ) {
    super(message);
  }
}

export interface GithubClientOptions {
  /** https://api.github.com, https://HOST/api/v3 (GHES), or a double in tests. */
  apiUrl: string;
  token: string;
  /** Per request; default 30 s. */
  timeoutMs?: number;
}

export class GithubClient {
  readonly apiUrl: string;

  constructor(private readonly options: GithubClientOptions) {
    this.apiUrl = options.apiUrl.replace(/\/+$/, "");
  }

  async request<T>(
    method: "GET" | "POST",
    path: string,
    init: { query?: Record<string, string | number>; body?: unknown } = {},
  ): Promise<T> {
    const url = new URL(`${this.apiUrl}${path}`);
    for (const [k, v] of Object.entries(init.query ?? {})) url.searchParams.set(k, String(v));
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          accept: "application/vnd.github+json",
          authorization: `Bearer ${this.options.token}`,
          "user-agent": "capstan",
          "x-github-api-version": "2022-11-28",
          ...(init.body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw new GithubApiError(0, `cannot reach ${this.apiUrl}: ${(error as Error).message}`, method, path);
    }
    const text = await res.text();
    let data: unknown;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      data = text;
    }
    if (!res.ok) {
      const message =
        data && typeof data === "object" && typeof (data as { message?: unknown }).message === "string"
          ? (data as { message: string }).message
          : `HTTP ${res.status}`;
      throw new GithubApiError(res.status, message, method, path);
    }
    return data as T;
  }

  get<T>(path: string, query?: Record<string, string | number>): Promise<T> {
    return this.request<T>("GET", path, { query });
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>("POST", path, { body });
  }
}
