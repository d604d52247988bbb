/** Every way an API call can fail, as one typed error the widgets can switch on. */
export type ApiErrorKind =
  | 'network' // no reply: offline, DNS, CORS refused
  | 'timeout' // no reply within the configured time
  | 'http' // a 4xx/5xx reply, with its problem document when there is one
  | 'parse' // a reply that is not JSON
  | 'shape' // JSON that does not match the contract
  | 'config'; // Encore is not configured (no api or store)

export interface ProblemDetails {
  type?: string;
  title?: string;
  status?: number;
  code?: string;
  detail?: string;
  field?: string;
  retryAfter?: number;
}

export class ApiError extends Error {
  override name = 'ApiError';
  readonly kind: ApiErrorKind;
  readonly status: number;
  readonly code: string;
  readonly problem: ProblemDetails | undefined;
  /** Seconds the server asked us to wait (Retry-After), when it said. */
  readonly retryAfter: number | undefined;

  constructor(kind: ApiErrorKind, message: string, init: { status?: number; problem?: ProblemDetails; retryAfter?: number; cause?: unknown } = {}) {
    super(message, { cause: init.cause });
    this.kind = kind;
    this.status = init.status ?? 0;
    this.problem = init.problem;
    this.code = init.problem?.code ?? kind;
    this.retryAfter = init.retryAfter ?? init.problem?.retryAfter;
  }

  /** Network errors, timeouts, 408, 429 and 5xx may succeed when tried again. */
  get retryable(): boolean {
    if (this.kind === 'network' || this.kind === 'timeout') return true;
    return this.kind === 'http' && (this.status === 408 || this.status === 429 || this.status >= 500);
  }
}
