/** Resumable HTTP(S) transfers with retries, mirror fallback, cancellation and progress. */
export { downloadFile, TransferError, type DownloadFileOptions, type DownloadFileResult, type ResponseInfo, type TransferProgress, type UrlFailure } from './download-file.ts'
export { DEFAULT_RETRY, backoffDelay, type RetryPolicy } from './retry.ts'
export { MAX_REDIRECTS, redirectTarget, type RedirectTarget } from './http-attempt.ts'
export { RateMeter } from './rate-meter.ts'
export { htmlTitle, looksLikeHtml } from './html.ts'
